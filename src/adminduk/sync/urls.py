from django.urls import path

from . import views

app_name = "sync"
urlpatterns = [
    path("node/", views.node_status, name="node_status"),
    path("central/", views.central_overview, name="central_overview"),
]
