from django.urls import path

from . import views

app_name = "appointments"
urlpatterns = [
    path("", views.day, name="day"),
    path("<uuid:booking_id>/pindah/", views.reschedule, name="reschedule"),
    path("<uuid:booking_id>/batal/", views.cancel, name="cancel"),
]
