"""One dashboard for a user and filters: every table, the chart data, and the freshness of the
summary tables."""

from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.accounts.models import Station
from adminduk.accounts.scoping import Scope
from adminduk.offices.models import Office

from . import operations, queries
from .filters import Filters
from .models import SummaryState


def build(f: Filters, scope: Scope) -> dict:
    offices = operations.offices_in(f, kota_wide=scope.is_kota_wide)
    # Every office by name: a kecamatan's residents may be recorded at the Dinas or elsewhere.
    office_names = {str(pk): name for pk, name in Office.objects.values_list("pk", "name")}
    station_names = {str(pk): name for pk, name in Station.objects.filter(office__in=offices).values_list("pk", "name")}
    coverage = queries.coverage_tables(f)
    tables = [
        *coverage,
        queries.forecast_table(f, coverage=coverage[0]),
        *queries.throughput_tables(f, office_names, station_names),
        queries.backlog_table(f),
        operations.adjudication_table(f),
        operations.blangko_table(offices),
        operations.bookings_table(f, offices),
        operations.waits_table(f, offices),
        operations.civil_table(f),
        operations.network_table(offices),
    ]
    state = SummaryState.objects.filter(pk=1).first()
    kecamatan_rows = coverage[0].rows
    return {
        "tables": tables,
        "state": state,
        "charts": {
            "daily": queries.daily_series(f),
            "coverage": {
                "labels": [row[1] for row in kecamatan_rows],
                "series": [{"label": _("Coverage (%)"), "data": [row[7] or 0 for row in kecamatan_rows]}],
            },
        },
        "generated_at": timezone.now(),
    }


def table_by_key(f: Filters, scope: Scope, key: str):
    return next((t for t in build(f, scope)["tables"] if t.key == key), None)
