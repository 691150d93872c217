from django.urls import path

from . import booking_views, views

app_name = "portal"

urlpatterns = [
    path("", views.signin_page, name="signin"),
    path("kode/", views.code_page, name="code"),
    path("beranda/", views.home, name="home"),
    path("keluar/", views.signout, name="signout"),
    path("janji/", booking_views.book, name="book"),
    path("janji/pindah/", booking_views.reschedule, name="reschedule"),
    path("janji/batal/", booking_views.cancel, name="cancel"),
]
