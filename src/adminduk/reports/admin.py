"""The dashboards' summary tables are read-only in the admin: only reports.summary writes them
(every minute, and the nightly rebuild). Figures per area; ResidentFact holds a resident's id
and area, no name or NIK."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from adminduk.core.admin import ReadOnlyAdmin

from .models import BacklogCell, CoverageCell, ResidentFact, SummaryState, ThroughputCell, status_name


@admin.display(description=_("e-KTP status"))
def status_label(cell) -> str:
    return status_name(cell.status)


@admin.register(CoverageCell)
class CoverageCellAdmin(ReadOnlyAdmin):
    list_display = ["kecamatan_code", "kelurahan_id", status_label, "n"]
    list_filter = ["kecamatan_code"]
    fields = readonly_fields = ["kecamatan_code", "kelurahan_id", status_label, "n"]


@admin.register(BacklogCell)
class BacklogCellAdmin(ReadOnlyAdmin):
    list_display = ["kecamatan_code", status_label, "since", "n"]
    list_filter = ["kecamatan_code"]
    fields = readonly_fields = ["kecamatan_code", status_label, "since", "n"]


@admin.register(ThroughputCell)
class ThroughputCellAdmin(ReadOnlyAdmin):
    list_display = ["day", "kecamatan_code", "office_id", "station_id", "kind", "n"]
    list_filter = ["kind", "kecamatan_code"]


@admin.register(ResidentFact)
class ResidentFactAdmin(ReadOnlyAdmin):
    list_display = ["resident_id", "kecamatan_code", "kelurahan_id", "counted", "wajib_from", status_label]
    list_filter = ["kecamatan_code", "counted"]
    fields = readonly_fields = ["resident_id", "kecamatan_code", "kelurahan_id", "wajib_from", "counted", status_label, "since"]


@admin.register(SummaryState)
class SummaryStateAdmin(ReadOnlyAdmin):
    list_display = ["id", "event_cursor", "resident_cursor", "wajib_as_of", "rebuilt_at", "refreshed_at"]
