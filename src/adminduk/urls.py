from django.contrib import admin
from django.urls import include, path

from adminduk.api.router import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("audit/", include("adminduk.audit.urls")),
    path("perekaman/", include("adminduk.enrollment.urls")),
    path("sinkronisasi/", include("adminduk.sync.urls")),
    path("pemrosesan/", include("adminduk.processing.urls")),
    path("pencetakan/", include("adminduk.printing.urls")),
    path("verifikasi/", include("adminduk.documents.urls")),
    path("layanan-sipil/", include("adminduk.civil.urls")),
    path("portal/layanan/", include("adminduk.civil.portal_urls")),
    path("antrian/", include("adminduk.queueing.urls")),
    path("portal/privasi/", include("adminduk.privacy.portal_urls")),
    path("portal/", include("adminduk.portal.urls")),
    path("privasi/", include("adminduk.privacy.urls")),
    path("janji-temu/", include("adminduk.appointments.urls")),
    path("perencanaan/", include("adminduk.planning.urls")),
    path("laporan/", include("adminduk.reports.urls")),
    path("", include("adminduk.ops.urls")),
    path("", include("adminduk.web.urls")),
]

# Error pages in the operator layout and the user's language (JSON under /api/).
handler400 = "adminduk.web.errors.bad_request"
handler403 = "adminduk.web.errors.permission_denied"
handler404 = "adminduk.web.errors.page_not_found"
handler500 = "adminduk.web.errors.server_error"
