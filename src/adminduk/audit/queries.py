"""Reading the audit log: who may see which entries, and the filters supervisors use."""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adminduk.accounts import scoping
from adminduk.accounts.permissions import Permission

from .models import AuditCheck, AuditEntry

PAGE_SIZE = 50
MAX_PAGE = 2000  # 100,000 entries deep, like the export; older entries are reached by filtering
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2099, 12, 31)  # no entry lies outside
CHECK_STALE_AFTER = dt.timedelta(hours=26)  # the check runs daily; a missed run shows too
EXPORT_LIMIT = 100_000  # one CSV file; narrow the filter for more


def entries_for(user) -> QuerySet:
    """Entries `user` may read: about records of their jurisdiction, or made by staff of their
    offices (logins, refusals). Nothing without the read-audit permission (deny by default)."""
    if not scoping.authorize(user, Permission.READ_AUDIT):
        return AuditEntry.objects.none()
    scope = scoping.scope_of(user)
    if scope.is_kota_wide:
        regencies = sorted(scope.regency_codes)
        by_record = scope.q_code("kecamatan_code")
        by_office = Q(office__regency__in=regencies)
        return AuditEntry.objects.filter(by_record | by_office)
    office_ids = list(user.assignments.values_list("office_id", flat=True))
    return AuditEntry.objects.filter(scope.q_code("kecamatan_code") | Q(office_id__in=office_ids))


@dataclass
class ChainStatus:
    last_check: AuditCheck | None
    stale: bool

    @property
    def broken(self) -> bool:
        return self.last_check is not None and not self.last_check.ok


def chain_status(user, now: dt.datetime | None = None) -> ChainStatus | None:
    """The last verification of the audit chain, for users who read the audit log (admins and
    supervisors); None for everyone else."""
    if not scoping.authorize(user, Permission.READ_AUDIT):
        return None
    last = AuditCheck.objects.order_by("-checked_at", "-id").first()
    now = now or timezone.now()
    return ChainStatus(last, last is None or now - last.checked_at > CHECK_STALE_AFTER)


class PageError(ValueError):
    pass


def parse_page(value: str | None) -> int:
    """The `page` query parameter: a whole number from 1 to MAX_PAGE (missing means 1)."""
    if value in (None, ""):
        return 1
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise PageError(
            _("Page numbers go from 1 to %(max)s. Narrow the filter (dates, username, record) to reach older entries.")
            % {"max": f"{MAX_PAGE:,}"}
        )
    return int(value)


class AuditDateField(forms.DateField):
    """A date within the years the log can hold: far dates would overflow the time range."""

    widget = forms.DateInput(attrs={"type": "date"})

    def validate(self, value):
        super().validate(value)
        if value and not FIRST_DATE <= value <= LAST_DATE:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s."),
                code="out_of_range",
                params={"first": FIRST_DATE.strftime("%d-%m-%Y"), "last": LAST_DATE.strftime("%d-%m-%Y")},
            )


class AuditFilterForm(forms.Form):
    date_from = AuditDateField(label=_("from"), required=False)
    date_to = AuditDateField(label=_("until"), required=False)
    username = forms.CharField(label=_("username"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("action"), required=False, choices=[("", "—"), *AuditEntry.Action.choices])
    record = forms.CharField(label=_("record (NIK, KK, …)"), required=False, max_length=64)
    kecamatan = forms.RegexField(
        label=_("kecamatan code"),
        required=False,
        regex=r"^\d{2}\.\d{2}\.\d{2}$",
        error_messages={"invalid": _("A kecamatan code looks like 72.71.08.")},
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


@dataclass
class AuditPage:
    entries: list
    page: int
    has_next: bool


def apply_filters(entries: QuerySet, data: dict) -> QuerySet:
    tz = timezone.get_current_timezone()
    if data.get("date_from"):
        entries = entries.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=tz))
    if data.get("date_to"):
        entries = entries.filter(at__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    if data.get("username"):
        entries = entries.filter(actor_username=data["username"].strip())
    if data.get("action"):
        entries = entries.filter(action=data["action"])
    if data.get("record"):
        entries = entries.filter(object_id=data["record"].strip())
    if data.get("kecamatan"):
        entries = entries.filter(kecamatan_code=data["kecamatan"])
    return entries


def page_of(entries: QuerySet, page: int) -> AuditPage:
    """One page, newest first, without COUNT(*) over a log of millions of rows."""
    page = min(max(page, 1), MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    rows = list(entries.select_related("office").order_by("-at", "-id")[start : start + PAGE_SIZE + 1])
    return AuditPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


CSV_COLUMNS = [
    ("at", "server_time"), ("device_time", "device_time"), ("actor_username", "username"), ("actor_role", "role"),
    ("office", "office"), ("station_id", "station"), ("ip_address", "ip_address"), ("action", "action"),
    ("object_type", "record_type"), ("object_id", "record"), ("kecamatan_code", "kecamatan"), ("path", "path"),
    ("details", "details"),
]  # fmt: skip


def csv_rows(entries: QuerySet):
    """Header, then one row per entry, streamed in chunks (never the whole log in memory)."""
    import json

    yield [header for _field, header in CSV_COLUMNS]
    for entry in entries.select_related("office").order_by("-at", "-id")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        row = []
        for field, _header in CSV_COLUMNS:
            value = getattr(entry, field)
            if field == "office":
                value = entry.office.code if entry.office else ""
            elif field == "details":
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            elif isinstance(value, dt.datetime):
                value = value.astimezone(dt.UTC).isoformat()
            row.append(value)
        yield row
