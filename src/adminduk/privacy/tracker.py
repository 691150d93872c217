"""A resident's data tracker: who read or changed their record and their KK, for the last six
months. One index lookup on the audit log's subject columns (audit_subject_nik_at,
audit_subject_kk_at), never a scan. Staff reads are listed one by one (office, role, what,
purpose; the operator's username only if the Dinas' policy says so); the resident's own portal
reads, reads of the shared KK by its other members and automatic jobs are summarised apart.
Entries of a legal category under an active withholding stay out until it ends."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from adminduk.accounts.permissions import STAFF_ROLES, Role
from adminduk.audit import labels, purposes
from adminduk.audit.models import AuditEntry
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


def entries_about(resident, now: dt.datetime | None = None) -> QuerySet:
    """Every visible entry about the resident or their KKs in the window."""
    now = now or timezone.now()
    kks = kk_numbers(resident)
    about = Q(subject_nik=resident.nik)
    if kks:
        about |= Q(subject_kk__in=kks)
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
        at=entry.at,
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


def tracker_for(resident, *, page: int = 1, now: dt.datetime | None = None) -> Tracker:
    now = now or timezone.now()
    base = entries_about(resident, now)
    page = max(1, page)
    start = (page - 1) * PAGE_SIZE
    rows = list(
        base.filter(actor_role__in=sorted(STAFF_ROLES)).select_related("office").order_by("-at", "-id")[start : start + PAGE_SIZE + 1]
    )
    show_name = policy.current().show_operator_name
    lines = [_line(e, show_name) for e in rows[:PAGE_SIZE]]
    _attach_objections(resident, lines)
    mine = own_username(resident)
    own = base.filter(actor_username=mine).aggregate(n=Count("id"), last=Max("at"))
    family = base.filter(actor_role=Role.RESIDENT).exclude(actor_username=mine).aggregate(n=Count("id"), last=Max("at"))
    system = [
        Summary(labels.object_type_label(row["object_type"]), row["n"], row["last"])
        for row in base.filter(actor__isnull=True).values("object_type").annotate(n=Count("id"), last=Max("at")).order_by("-n")
    ]
    return Tracker(
        since=now - WINDOW, lines=lines, page=page, has_next=len(rows) > PAGE_SIZE,
        own=Summary("", own["n"], own["last"]), family=Summary("", family["n"], family["last"]), system=system,
    )


def _attach_objections(resident, lines: list[Line]) -> None:
    from .models import Objection

    by_entry = {o.entry_id: o for o in Objection.objects.filter(nik=resident.nik, entry_id__in=[line.entry_id for line in lines])}
    for line in lines:
        line.objection = by_entry.get(line.entry_id)


def visible_staff_entry(resident, entry_id: int, now=None) -> AuditEntry | None:
    """A staff entry the resident may object to: one their tracker shows them."""
    return staff_entries(resident, now).filter(pk=entry_id).select_related("office").first()
