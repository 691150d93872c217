from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.signin_page, name="signin"),
    path("kode/", views.code_page, name="code"),
    path("beranda/", views.home, name="home"),
    path("keluar/", views.signout, name="signout"),
]
