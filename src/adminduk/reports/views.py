"""The dashboard page and its exports. Central only: a node holds one kecamatan's residents and
takes the central's request statuses from the pull without journal entries, so its own figures
would be incomplete; the kecamatan's staff open the central's dashboard, scoped to them."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.accounts.access import staff_view
from adminduk.accounts.permissions import Permission
from adminduk.accounts.scoping import scope_of
from adminduk.audit.actions import record
from adminduk.regions.models import Kelurahan

from . import dashboard, export
from .filters import BadFilter, OutOfScope, kecamatan_in_scope, parse


def _central_only():
    if settings.ROLE != "central":
        raise Http404("the dashboards are served by the central")


def _filters(request):
    """(filters, error response): a bad value is a 400 naming it; another's area is a 404."""
    scope = scope_of(request.user)
    try:
        return parse(request.GET, scope), None
    except BadFilter as problem:
        context = {"error": str(problem), "kecamatan_list": kecamatan_in_scope(scope), "params": request.GET}
        return None, render(request, "reports/dashboard.html", context, status=400)
    except OutOfScope:
        raise Http404("no such area in your jurisdiction") from None


@staff_view(Permission.VIEW_REPORTS)
def dashboard_page(request):
    _central_only()
    f, error = _filters(request)
    if error:
        return error
    scope = scope_of(request.user)
    data = dashboard.build(f, scope)
    kecamatan_list = kecamatan_in_scope(scope)
    kelurahan_list = Kelurahan.objects.filter(kecamatan_id__in=f.kecamatan_codes).order_by("name") if f.kecamatan else []
    return render(request, "reports/dashboard.html", {
        **data, "filters": f, "kecamatan_list": kecamatan_list, "kelurahan_list": kelurahan_list,
        "kota_wide": scope.is_kota_wide and not f.kecamatan, "query": f.query(),
    })


@staff_view(Permission.VIEW_REPORTS)
def export_table(request, key: str, fmt: str):
    _central_only()
    f, error = _filters(request)
    if error:
        return error
    table = dashboard.table_by_key(f, scope_of(request.user), key)
    if table is None:
        raise Http404("no such table")
    if fmt not in ("csv", "xlsx"):
        return HttpResponse(_("Choose csv or xlsx."), status=400, content_type="text/plain; charset=utf-8")
    record(request, "export", object_type="dashboard", object_id=key, kecamatan_code=f.kecamatan,
           details={"format": fmt, "from": f.date_from.isoformat(), "to": f.date_to.isoformat(), "kelurahan": f.kelurahan, "rows": len(table.rows)})
    stamp = timezone.localdate().strftime("%Y%m%d")
    filename = f"adminduk-{key}-{f.kecamatan or 'kota'}-{stamp}.{fmt}"
    if fmt == "csv":
        return export.as_csv(table, filename)
    subtitle = f"{f.date_from:%d-%m-%Y} – {f.date_to:%d-%m-%Y}" + (f" · {f.kecamatan}" if f.kecamatan else "") + (f" · {f.kelurahan}" if f.kelurahan else "")
    return export.as_xlsx(table, filename, subtitle=subtitle)
