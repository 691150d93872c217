"""A resident's data tracker: who read or changed their record and their KK, for the last six
months. One index lookup on the audit log's subject columns (audit_subject_nik_at,
audit_subject_kk_at), never a scan. Staff reads are listed one by one (office, role, what,
purpose; the operator's username only if the Dinas' policy says so); the resident's own portal
reads, reads of the shared KK by its other members and automatic jobs are summarised apart.
Entries of a legal category under an active withholding stay out until it ends."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, Max, Q, QuerySet, Value, When
from django.utils import timezone

from adminduk.accounts.permissions import STAFF_ROLES
from adminduk.audit import labels, purposes
from adminduk.audit.models import NON_STAFF_ROLES, AuditEntry
from adminduk.population.models import FamilyMember

from . import policy
from .models import Withholding

MONTHS = 6
WINDOW = dt.timedelta(days=183)
PAGE_SIZE = 50


def kk_numbers(resident) -> list[str]:
    """Every KK the resident is or was on (a change of composition issues a new number)."""
    return sorted(FamilyMember.objects.filter(resident=resident).values_list("family__kk_number", flat=True))


def active_withholdings(nik: str, now: dt.datetime) -> list[Withholding]:
    return list(Withholding.objects.filter(until__gt=now).filter(Q(subject_nik="") | Q(subject_nik=nik)))


def entries_about(resident, now: dt.datetime | None = None, *, roles: list[str] | None = None) -> QuerySet:
    """Every visible entry about the resident or their KKs in the window (of actors with
    `roles` only, when given: the partial indexes serve NON_STAFF_ROLES)."""
    now = now or timezone.now()
    kks = kk_numbers(resident)
    extra = Q(actor_role__in=roles) if roles is not None else Q()
    about = Q(subject_nik=resident.nik) & extra
    if kks:
        about |= Q(subject_kk__in=kks) & extra
    entries = AuditEntry.objects.filter(about, at__gte=now - WINDOW, at__lte=now)
    for withholding in active_withholdings(resident.nik, now):
        entries = entries.exclude(purpose=withholding.category, at__gte=withholding.covers_from, at__lt=withholding.until)
    return entries


def own_username(resident) -> str:
    from adminduk.portal.accounts import username_for

    return username_for(resident.nik)


@dataclass
class Line:
    entry_id: int
    at: dt.datetime
    action: str
    what: str
    office: str
    role: str
    purpose: str
    operator: str = ""
    role_code: str = ""
    purpose_code: str = ""
    object_type: str = ""
    changed: list = field(default_factory=list)
    objection: object = None


@dataclass
class Summary:
    label: str
    count: int
    last: dt.datetime | None


@dataclass
class Tracker:
    since: dt.datetime
    lines: list[Line]
    page: int
    has_next: bool
    own: Summary
    family: Summary
    system: list[Summary]


def _line(entry: AuditEntry, show_name: bool) -> Line:
    details = entry.details or {}
    return Line(
        entry_id=entry.pk,
        at=entry.device_time or entry.at,  # a read forwarded from a node: when it happened there
        action=str(AuditEntry.Action(entry.action).label) if entry.action in AuditEntry.Action.values else entry.action,
        what=labels.object_type_label(entry.object_type),
        office=entry.office.name if entry.office_id else "",
        role=labels.role_label(entry.actor_role),
        purpose=purposes.label(entry.purpose),
        operator=entry.actor_username if show_name else "",
        role_code=entry.actor_role,
        purpose_code=entry.purpose or "",
        object_type=entry.object_type,
        changed=list(details.get("fields", [])) if isinstance(details.get("fields"), list) else [],
    )


def staff_entries(resident, now=None) -> QuerySet:
    return entries_about(resident, now).filter(actor_role__in=sorted(STAFF_ROLES))


def _staff_rows(resident, now: dt.datetime, limit: int) -> list[AuditEntry]:
    """The newest `limit` staff entries: one ordered index range per subject (the NIK, each KK)
    read backwards from now, merged here. Never more rows than the page needs from each, so
    10,000 entries about a resident cost what 50 do."""
    since = now - WINDOW
    withholdings = active_withholdings(resident.nik, now)
    found: dict[int, AuditEntry] = {}
    for condition in [Q(subject_nik=resident.nik)] + [Q(subject_kk=kk) for kk in kk_numbers(resident)]:
        entries = AuditEntry.objects.filter(condition, at__gte=since, at__lte=now, actor_role__in=sorted(STAFF_ROLES))
        for withholding in withholdings:
            entries = entries.exclude(purpose=withholding.category, at__gte=withholding.covers_from, at__lt=withholding.until)
        for entry in entries.select_related("office").order_by("-at", "-id")[:limit]:
            found[entry.pk] = entry
    return sorted(found.values(), key=lambda e: (e.at, e.pk), reverse=True)[:limit]


def _summaries(resident, now: dt.datetime) -> tuple[Summary, Summary, list[Summary]]:
    """Own portal reads, other KK members' portal reads and automatic jobs: one grouped pass."""
    mine = own_username(resident)
    rows = (
        entries_about(resident, now, roles=NON_STAFF_ROLES)
        .annotate(
            mine=Case(When(actor_username=mine, then=Value(True)), default=Value(False), output_field=BooleanField()),
            automatic=Case(When(actor__isnull=True, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .values("mine", "automatic", "object_type")
        .annotate(n=Count("id"), last=Max("at"))
        .order_by()
    )
    own, family, system = Summary("", 0, None), Summary("", 0, None), {}
    for row in rows:
        if row["automatic"]:
            kind = system.setdefault(row["object_type"], Summary(labels.object_type_label(row["object_type"]), 0, None))
        elif row["mine"]:
            kind = own
        else:
            kind = family
        kind.count += row["n"]
        kind.last = max(filter(None, [kind.last, row["last"]]), default=None)
    return own, family, sorted(system.values(), key=lambda s: -s.count)


def tracker_for(resident, *, page: int = 1, now: dt.datetime | None = None) -> Tracker:
    now = now or timezone.now()
    page = max(1, page)
    start = (page - 1) * PAGE_SIZE
    rows = _staff_rows(resident, now, start + PAGE_SIZE + 1)[start:]
    show_name = policy.current().show_operator_name
    lines = [_line(e, show_name) for e in rows[:PAGE_SIZE]]
    _attach_objections(resident, lines)
    own, family, system = _summaries(resident, now)
    return Tracker(since=now - WINDOW, lines=lines, page=page, has_next=len(rows) > PAGE_SIZE, own=own, family=family, system=system)


def _attach_objections(resident, lines: list[Line]) -> None:
    from .models import Objection

    by_entry = {o.entry_id: o for o in Objection.objects.filter(nik=resident.nik, entry_id__in=[line.entry_id for line in lines])}
    for line in lines:
        line.objection = by_entry.get(line.entry_id)


def visible_staff_entry(resident, entry_id: int, now=None) -> AuditEntry | None:
    """A staff entry the resident may object to: one their tracker shows them."""
    return staff_entries(resident, now).filter(pk=entry_id).select_related("office").first()
