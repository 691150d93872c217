from django.urls import path

from . import views

app_name = "queueing"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("tiket/", views.issue, name="issue"),
    path("tiket/<uuid:pk>/", views.ticket_slip, name="ticket"),
    path("lapor-hadir/", views.check_in, name="check_in"),
    path("loket/tambah/", views.add_counter, name="add_counter"),
    path("loket/<uuid:pk>/tidak-datang/", views.no_show, name="no_show"),
    path("loket/<uuid:pk>/<str:action>/", views.counter_action, name="counter_action"),
    path("layar/<slug:code>/", views.display_page, name="display"),
    path("layar/<slug:code>/papan/", views.display_board, name="display_board"),
    path("statistik/", views.statistics, name="statistics"),
    path("undangan/", views.invite, name="invite"),
    path("undangan/hari-ini/", views.invited_today, name="invited_today"),
    path("undangan/<uuid:batch>/", views.batch, name="batch"),
    path("undangan/<uuid:batch>/surat.pdf", views.batch_letters, name="batch_letters"),
]
