from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("kunci.json", views.key_file, name="keys"),
    path("periksa/", views.check_pdf, name="check"),
    path("unduh/<str:key>/", views.download, name="download"),
    path("<str:token>/", views.verify, name="verify"),
]
