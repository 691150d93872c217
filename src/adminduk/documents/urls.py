from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("kunci.json", views.key_file, name="keys"),
    path("periksa/", views.check_pdf, name="check"),
    path("<str:token>/", views.verify, name="verify"),
]
