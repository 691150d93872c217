from django.urls import path

from . import views

app_name = "enrollment"
urlpatterns = [
    path("", views.station, name="station"),
    path("panggil/", views.call_resident, name="call"),
    path("sesi/<uuid:pk>/", views.session_page, name="session"),
    path("sesi/<uuid:pk>/data/", views.confirm_data, name="confirm_data"),
    path("sesi/<uuid:pk>/rekam/<str:slot>/", views.capture_slot, name="capture"),
    path("sesi/<uuid:pk>/rekam-semua/", views.capture_remaining, name="capture_remaining"),
    path("sesi/<uuid:pk>/simulator/", views.simulated_subject, name="simulated_subject"),
    path("sesi/<uuid:pk>/pengecualian/<str:slot>/", views.exception_slot, name="exception"),
    path("sesi/<uuid:pk>/kirim/", views.submit_session, name="submit"),
    path("sesi/<uuid:pk>/batal/", views.cancel_session, name="cancel"),
]
