from django.urls import path

from . import portal_views

app_name = "privacy_portal"
urlpatterns = [
    path("", portal_views.tracker_page, name="tracker"),
    path("keberatan/<int:entry_id>/", portal_views.object_page, name="object"),
    path("hak/", portal_views.rights_page, name="rights"),
    path("perbaikan/", portal_views.correction_page, name="correction"),
    path("unduh.<str:fmt>", portal_views.download, name="download"),
    path("persetujuan/", portal_views.consent_page, name="consent"),
]
