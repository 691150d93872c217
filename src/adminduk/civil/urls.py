from django.urls import path

from . import views

app_name = "civil"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("baru/", views.new, name="new"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/dokumen/", views.upload, name="upload"),
    path("<uuid:pk>/dokumen/<uuid:doc>/", views.document, name="document"),
    path("<uuid:pk>/terbit/<uuid:doc>.pdf", views.issued_pdf, name="issued_pdf"),
    path("<uuid:pk>/minta-dokumen/", views.request_documents, name="request_documents"),
    path("<uuid:pk>/setujui/", views.approve, name="approve"),
    path("<uuid:pk>/tolak/", views.reject, name="reject"),
]
