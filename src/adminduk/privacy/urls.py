from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.cases, name="cases"),
    path("keberatan/<uuid:pk>/", views.objection, name="objection"),
    path("perbaikan/<uuid:pk>/", views.correction, name="correction"),
    path("perbaikan/<uuid:pk>/bukti/", views.evidence, name="evidence"),
    path("penahanan/", views.withholdings, name="withholdings"),
    path("penahanan/<uuid:pk>/akhiri/", views.end_withholding, name="end_withholding"),
]
