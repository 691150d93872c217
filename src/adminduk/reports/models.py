"""Summary tables the dashboards read (DHIS2's analytics tables): kept current by
reports.summary.refresh (a frequent job over recent changes) and rebuilt nightly in full. No
page groups the residents at request time."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adminduk.enrollment.statuses import RequestStatus


def status_name(code: str) -> str:
    """An e-KTP status's name in the reader's language, not its code ("" is a wajib KTP
    resident without a request)."""
    try:
        return str(RequestStatus(code).label)
    except ValueError:
        return code or "-"


class ResidentFact(models.Model):
    """What one resident adds to the summary cells right now, so a change can be applied as a
    difference (take the old contribution out, put the new one in)."""

    resident_id = models.UUIDField(_("resident"), primary_key=True)
    kelurahan_id = models.CharField(_("kelurahan code"), max_length=13)
    kecamatan_code = models.CharField(_("kecamatan code"), max_length=8)
    # The day the resident becomes wajib KTP (17th birthday, or birth for anyone who is or was
    # married); empty for someone never counted (deceased, moved out, missing, foreigner
    # without KITAP).
    wajib_from = models.DateField(_("wajib KTP from"), null=True, blank=True)
    counted = models.BooleanField(_("counted as wajib KTP"), default=False)
    # The open e-KTP request's status; else picked_up or rejected for a finished one; else empty.
    status = models.CharField(_("e-KTP status"), max_length=20, blank=True)
    since = models.DateField(_("in this status since"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident summary fact")
        verbose_name_plural = _("resident summary facts")
        indexes = [
            # The daily pass finds who turned 17 since the last run.
            models.Index(fields=["wajib_from"], condition=Q(counted=False, wajib_from__isnull=False), name="reports_fact_wajib_due_idx"),
        ]

    def __str__(self):
        return f"{self.resident_id} {self.kelurahan_id} {status_name(self.status)}"


class CoverageCell(models.Model):
    """Wajib KTP residents of a kelurahan (by current address) whose e-KTP is in `status`."""

    kelurahan_id = models.CharField(_("kelurahan code"), max_length=13)
    kecamatan_code = models.CharField(_("kecamatan code"), max_length=8, db_index=True)
    status = models.CharField(_("e-KTP status"), max_length=20, blank=True)
    n = models.BigIntegerField(_("residents"), default=0)

    class Meta:
        verbose_name = _("coverage cell")
        verbose_name_plural = _("coverage cells")
        constraints = [models.UniqueConstraint(fields=["kelurahan_id", "status"], name="reports_coverage_cell_unique")]

    def __str__(self):
        return f"{self.kelurahan_id} {status_name(self.status)}: {self.n}"


class BacklogCell(models.Model):
    """Open e-KTP requests of a kecamatan's residents in `status` since `since`."""

    kecamatan_code = models.CharField(_("kecamatan code"), max_length=8, db_index=True)
    status = models.CharField(_("e-KTP status"), max_length=20)
    since = models.DateField(_("in this status since"))
    n = models.BigIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("backlog cell")
        verbose_name_plural = _("backlog cells")
        constraints = [models.UniqueConstraint(fields=["kecamatan_code", "status", "since"], name="reports_backlog_cell_unique")]

    def __str__(self):
        return f"{self.kecamatan_code} {status_name(self.status)} {self.since}: {self.n}"


class ThroughputCell(models.Model):
    """e-KTP work done on one day: recordings, cards printed, cards picked up, per office,
    station (recording set) and the resident's kecamatan. From the requests' journal."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", _("recorded")
        PRINTED = "printed", _("printed")
        PICKED_UP = "picked_up", _("picked up")

    day = models.DateField(_("day"), db_index=True)
    office_id = models.CharField(_("office"), max_length=36, blank=True)
    station_id = models.CharField(_("station"), max_length=36, blank=True)
    kecamatan_code = models.CharField(_("kecamatan code"), max_length=8)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    n = models.BigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("throughput cell")
        verbose_name_plural = _("throughput cells")
        constraints = [
            models.UniqueConstraint(fields=["day", "office_id", "station_id", "kecamatan_code", "kind"], name="reports_throughput_cell_unique")
        ]

    def __str__(self):
        return f"{self.day} {self.office_id} {self.get_kind_display()}: {self.n}"


class SummaryState(models.Model):
    """One row (pk=1): how far the summary tables have read. Locked by every refresh and
    rebuild, so two workers never apply the same change twice."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    event_cursor = models.BigIntegerField(_("last journal entry applied"), default=0)
    resident_cursor = models.DateTimeField(_("residents changed up to"), null=True, blank=True)
    wajib_as_of = models.DateField(_("wajib KTP counted as of"), null=True, blank=True)
    rebuilt_at = models.DateTimeField(_("last full rebuild"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("last refresh"), null=True, blank=True)

    class Meta:
        verbose_name = _("summary state")
        verbose_name_plural = _("summary state")

    def __str__(self):
        return _("summary refreshed %(when)s") % {"when": self.refreshed_at or "-"}
