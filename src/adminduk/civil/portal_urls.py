from django.urls import path

from . import portal_views

app_name = "civil_portal"
urlpatterns = [
    path("", portal_views.my_applications, name="list"),
    path("baru/", portal_views.new, name="new"),
    path("<uuid:pk>/", portal_views.detail, name="detail"),
    path("<uuid:pk>/dokumen/", portal_views.upload, name="upload"),
]
