from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("ekspor/<slug:key>.<str:fmt>", views.export_table, name="export"),
]
