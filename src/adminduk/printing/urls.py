from django.urls import path

from . import shipment_views, views

app_name = "printing"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("cetak/", views.print_batch, name="print_batch"),
    path("batch/<uuid:pk>/", views.batch, name="batch"),
    path("batch/<uuid:pk>/kartu.pdf", views.batch_pdf, name="batch_pdf"),
    path("kartu/<str:serial>.png", views.card_png, name="card_png"),
    path("job/<uuid:pk>/alihkan/", views.reroute, name="reroute"),
    path("job/<uuid:pk>/suket/", views.issue_suket, name="issue_suket"),
    path("suket/<uuid:pk>.pdf", views.suket_pdf, name="suket_pdf"),
    path("stok/", views.stock_page, name="stock"),
    path("kuota/", views.quotas, name="quotas"),
    path("pengiriman/", shipment_views.shipment_list, name="shipments"),
    path("pengiriman/<uuid:pk>/", shipment_views.shipment_detail, name="shipment"),
    path("pengiriman/<uuid:pk>/manifest.pdf", shipment_views.manifest_pdf, name="manifest_pdf"),
    path("pengambilan/", shipment_views.pickup_page, name="pickup"),
]
