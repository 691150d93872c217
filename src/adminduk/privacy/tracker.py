"""A resident's data tracker: who read or changed their record and their KK, for the last six
months. Index range scans only, never a scan of the resident's whole history: the audit log's
subject columns (audit_subject_nik_at, audit_subject_kk_at) for entries about the record or a
KK, and the mentions (audit_mention_nik_at) for entries that showed the resident among others
(a name search's results, a list, an export). Staff reads are listed one by one (office, role,
what, purpose; the operator's username only if the Dinas' policy says so), newest first, a
page at a time by keyset (the position of the last line shown), so page 20 costs what page 1
does. The resident's own portal reads, reads of the shared KK by its other members and
automatic jobs are summarised apart (one SQL aggregation). Entries of a legal category under
an active withholding stay out until it ends."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Case, Count, F, Max, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from adminduk.accounts.permissions import STAFF_ROLES
from adminduk.audit import labels, purposes
from adminduk.audit.models import NON_STAFF_ROLES, AuditEntry, AuditMention
from adminduk.population.models import FamilyMember

from . import policy
from .models import Withholding

MONTHS = 6
WINDOW = dt.timedelta(days=183)
PAGE_SIZE = 50
_STAFF = sorted(STAFF_ROLES)
_ACTION_CODES = frozenset(AuditEntry.Action.values)
_NON_STAFF_SQL = "{table}.actor_role IN ({roles})".format(  # noqa: S608 (constants, no input)
    table=AuditEntry._meta.db_table, roles=", ".join(f"'{role}'" for role in NON_STAFF_ROLES)
)


def kk_numbers(resident) -> list[str]:
    """Every KK the resident is or was on (a change of composition issues a new number)."""
    return sorted(FamilyMember.objects.filter(resident=resident).values_list("family__kk_number", flat=True))


def active_withholdings(nik: str, now: dt.datetime) -> list[Withholding]:
    return list(Withholding.objects.filter(until__gt=now).filter(Q(subject_nik="") | Q(subject_nik=nik)))


@dataclass(frozen=True)
class Scope:
    """What one tracker request reads by: the NIK, the resident's KKs, the withholdings in force
    and the window; looked up once per page."""

    nik: str
    kks: list[str]
    withholdings: list[Withholding]
    now: dt.datetime

    @classmethod
    def of(cls, resident, now: dt.datetime | None = None) -> "Scope":
        now = now or timezone.now()
        return cls(resident.nik, kk_numbers(resident), active_withholdings(resident.nik, now), now)

    @property
    def since(self) -> dt.datetime:
        return self.now - WINDOW

    def visible(self, entries: QuerySet, prefix: str = "") -> QuerySet:
        """`entries` (of AuditEntry, or of a relation to it through `prefix`) in the window and
        not withheld."""
        entries = entries.filter(at__gte=self.since, at__lte=self.now)
        for withholding in self.withholdings:
            entries = entries.exclude(**{f"{prefix}purpose": withholding.category, "at__gte": withholding.covers_from, "at__lt": withholding.until})
        return entries


def entries_about(resident, now: dt.datetime | None = None, *, roles: list[str] | None = None, scope: Scope | None = None) -> QuerySet:
    """Every visible entry about the resident or their KKs in the window (of actors with
    `roles` only, when given: the partial indexes serve NON_STAFF_ROLES)."""
    scope = scope or Scope.of(resident, now)
    extra = Q(actor_role__in=roles) if roles is not None else Q()
    about = Q(subject_nik=scope.nik) & extra
    if scope.kks:
        about |= Q(subject_kk__in=scope.kks) & extra
    return scope.visible(AuditEntry.objects.filter(about))


def own_username(resident) -> str:
    from adminduk.portal.accounts import username_for

    return username_for(resident.nik)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_CURSOR = re.compile(r"^(\d{1,17})_(\d{1,19})$")


@dataclass(frozen=True)
class Cursor:
    """A position in the tracker's order (server time, then entry id): pages are read from it,
    not counted from the newest line. In a link as `<microseconds since 1970>_<entry id>`."""

    at: dt.datetime
    entry_id: int

    @property
    def token(self) -> str:
        return f"{(self.at - _EPOCH) // dt.timedelta(microseconds=1)}_{self.entry_id}"

    @classmethod
    def parse(cls, value: str) -> "Cursor | None":
        """A cursor from a link, or None when it is not one."""
        found = _CURSOR.match(value or "")
        if not found or not value.isascii():
            return None
        try:
            at = _EPOCH + dt.timedelta(microseconds=int(found.group(1)))
        except OverflowError:
            return None
        return cls(at, int(found.group(2)))


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
    # Set when the entry showed the resident among others (a mention): how, e.g. "Appeared in
    # name search results".
    shown_in: str = ""

    @property
    def heading(self) -> str:
        return self.shown_in or f"{capfirst(self.action)}: {self.what}"


@dataclass
class Summary:
    label: str
    count: int
    last: dt.datetime | None


@dataclass
class Tracker:
    since: dt.datetime
    lines: list[Line]
    newer: str | None  # cursor token of the page before (newer lines), None on the newest page
    older: str | None  # cursor token of the page after (older lines), None on the last page
    own: Summary
    family: Summary
    system: list[Summary]


def shown_in(entry: AuditEntry) -> str:
    """How an entry that covers several residents showed this one."""
    details = entry.details or {}
    what = labels.object_type_label(entry.object_type)
    if entry.action == AuditEntry.Action.SEARCH and details.get("by") == "name":
        return _("Appeared in name search results")
    if entry.action == AuditEntry.Action.SEARCH:
        return _("Appeared in search results: %(what)s") % {"what": what}
    if entry.action == AuditEntry.Action.EXPORT:
        return _("Included in an export: %(what)s") % {"what": what}
    if entry.action == AuditEntry.Action.VIEW:
        return _("Appeared in: %(what)s") % {"what": what}  # a list page, a queue, a batch
    return _("Included in: %(what)s") % {"what": what}


def _line(entry: AuditEntry, show_name: bool, mentioned: bool = False) -> Line:
    details = entry.details or {}
    return Line(
        entry_id=entry.pk,
        at=entry.device_time or entry.at,  # a read forwarded from a node: when it happened there
        action=str(AuditEntry.Action(entry.action).label) if entry.action in _ACTION_CODES else entry.action,
        what=labels.object_type_label(entry.object_type),
        office=entry.office_name or "",
        role=labels.role_label(entry.actor_role),
        purpose=purposes.label(entry.purpose),
        operator=entry.actor_username if show_name else "",
        role_code=entry.actor_role,
        purpose_code=entry.purpose or "",
        object_type=entry.object_type,
        changed=list(details.get("fields", [])) if isinstance(details.get("fields"), list) else [],
        shown_in=shown_in(entry) if mentioned else "",
    )


def is_about(entry: AuditEntry, scope: Scope) -> bool:
    """The entry names the resident or one of their KKs as its subject (not only a mention)."""
    return entry.subject_nik == scope.nik or (entry.subject_kk is not None and entry.subject_kk in scope.kks)


def staff_entries(resident, now=None, *, scope: Scope | None = None) -> QuerySet:
    """Every visible staff entry of the tracker: about the resident or their KKs, or showing
    them among others. For the data download and single lookups; the page reads by index."""
    scope = scope or Scope.of(resident, now)
    mentioned = AuditMention.objects.filter(nik=scope.nik, at__gte=scope.since, at__lte=scope.now).values("entry_id")
    about = Q(subject_nik=scope.nik) | Q(pk__in=mentioned)
    if scope.kks:
        about |= Q(subject_kk__in=scope.kks)
    return scope.visible(AuditEntry.objects.filter(about, actor_role__in=_STAFF))


def _keyset(rows: QuerySet, before: Cursor | None, after: Cursor | None, id_field: str) -> QuerySet:
    """Rows after/before the cursor in (at, id) order, nearest first. The plain bound on `at`
    keeps it an index range; the second condition breaks ties of the same time."""
    if before is not None:
        rows = rows.filter(Q(at__lt=before.at) | Q(**{f"{id_field}__lt": before.entry_id}), at__lte=before.at)
        return rows.order_by("-at", f"-{id_field}")
    if after is not None:
        rows = rows.filter(Q(at__gt=after.at) | Q(**{f"{id_field}__gt": after.entry_id}), at__gte=after.at)
        return rows.order_by("at", id_field)
    return rows.order_by("-at", f"-{id_field}")


# The columns a tracker line shows: no other field is loaded.
_LINE_FIELDS = ("id", "at", "device_time", "action", "object_type", "actor_role", "actor_username", "purpose", "details", "subject_nik", "subject_kk")


def _for_lines(entries: QuerySet) -> QuerySet:
    """Entries with what their lines show, the office's name joined in (no Office objects)."""
    return entries.only(*_LINE_FIELDS).annotate(office_name=F("office__name"))


def _staff_rows(scope: Scope, limit: int, before: Cursor | None = None, after: Cursor | None = None) -> list[tuple[AuditEntry, bool]]:
    """The `limit` staff entries nearest the cursor (the newest without one), newest first,
    each with whether it is only a mention. Each source (the NIK, each KK, the mentions) is one
    ordered index range read for at most `limit` positions (time, id), never whole rows; the
    positions are merged here and only the page's entries are then loaded, in one query. So
    10,000 entries about a resident cost what 50 do, on any page."""
    ranges = []
    for condition in [Q(subject_nik=scope.nik)] + [Q(subject_kk=kk) for kk in scope.kks]:
        entries = scope.visible(AuditEntry.objects.filter(condition, actor_role__in=_STAFF))
        ranges.append(_keyset(entries, before, after, "id").values_list("at", "id")[:limit])
    mentions = scope.visible(AuditMention.objects.filter(nik=scope.nik, entry__actor_role__in=_STAFF), prefix="entry__")
    ranges.append(_keyset(mentions, before, after, "entry_id").values_list("at", "entry_id")[:limit])
    if connection.features.supports_slicing_ordering_in_compound:  # PostgreSQL: one round trip
        keys = set(ranges[0].union(*ranges[1:], all=True))
    else:  # SQLite cannot order and limit the parts of a UNION; its queries cost no round trip
        keys = {key for rows in ranges for key in rows}
    page = sorted(keys, reverse=after is None)[:limit]
    if not page:
        return []
    loaded = _for_lines(AuditEntry.objects.filter(pk__in=[entry_id for _at, entry_id in page]))
    by_id = {entry.pk: entry for entry in loaded}
    rows = [(by_id[entry_id], not is_about(by_id[entry_id], scope)) for _at, entry_id in sorted(page, reverse=True) if entry_id in by_id]
    return rows


def summary_rows(resident, scope: Scope) -> QuerySet:
    """Counts and last times of the non-staff entries (own portal reads, other KK members'
    portal reads, automatic jobs) by kind: one grouped query, a part per subject (the NIK, then
    the KKs for entries not already counted by the NIK), so each part reads the partial index of
    non-staff entries (audit_subject_nik_nonstaff / _kk_nonstaff) and never the staff entries
    around them (an OR of the two made SQLite read every entry about the resident)."""
    mine = own_username(resident)

    def grouped(entries: QuerySet) -> QuerySet:
        return (
            # The partial indexes' condition, spelled with literals: SQLite uses a partial index
            # only when the query repeats its condition, and a bound parameter never does.
            scope.visible(entries.extra(where=[_NON_STAFF_SQL]))
            .annotate(
                mine=Case(When(actor_username=mine, then=Value(True)), default=Value(False), output_field=BooleanField()),
                automatic=Case(When(actor__isnull=True, then=Value(True)), default=Value(False), output_field=BooleanField()),
            )
            .values("mine", "automatic", "object_type")
            .annotate(n=Count("id"), last=Max("at"))
            .order_by()
        )

    rows = grouped(AuditEntry.objects.filter(subject_nik=scope.nik))
    if scope.kks:
        # Not the NIK's own entries again (an entry may name both the resident and the KK).
        on_kk = AuditEntry.objects.filter(subject_kk__in=scope.kks).filter(Q(subject_nik__isnull=True) | ~Q(subject_nik=scope.nik))
        rows = rows.union(grouped(on_kk), all=True)
    return rows


def _summaries(resident, scope: Scope) -> tuple[Summary, Summary, list[Summary]]:
    """Own portal reads, other KK members' portal reads and automatic jobs, summed by kind."""
    own, family, system = Summary("", 0, None), Summary("", 0, None), {}
    for row in summary_rows(resident, scope):
        if row["automatic"]:
            kind = system.setdefault(row["object_type"], Summary(labels.object_type_label(row["object_type"]), 0, None))
        elif row["mine"]:
            kind = own
        else:
            kind = family
        kind.count += row["n"]
        kind.last = max(filter(None, [kind.last, row["last"]]), default=None)
    return own, family, sorted(system.values(), key=lambda s: -s.count)


def tracker_for(resident, *, before: Cursor | None = None, after: Cursor | None = None, now: dt.datetime | None = None) -> Tracker:
    """One page of the tracker: the newest lines, or the lines older than `before`, or newer
    than `after` (the cursors of the page's links)."""
    scope = Scope.of(resident, now)
    rows = _staff_rows(scope, PAGE_SIZE + 1, before, after)
    more = len(rows) > PAGE_SIZE
    if after is not None and not more:  # back at the newest lines: show a full first page
        after, rows = None, _staff_rows(scope, PAGE_SIZE + 1)
        more = len(rows) > PAGE_SIZE
    rows = (rows[1:] if after is not None else rows[:PAGE_SIZE]) if more else rows
    show_name = policy.current().show_operator_name
    lines = [_line(entry, show_name, mentioned) for entry, mentioned in rows]
    _attach_objections(resident, lines)
    own, family, system = _summaries(resident, scope)
    first, last = (rows[0][0], rows[-1][0]) if rows else (None, None)
    newer = Cursor(first.at, first.pk).token if first is not None and (before is not None or (after is not None and more)) else None
    older = Cursor(last.at, last.pk).token if last is not None and (after is not None or more) else None
    return Tracker(since=scope.since, lines=lines, newer=newer, older=older, own=own, family=family, system=system)


def _attach_objections(resident, lines: list[Line]) -> None:
    from .models import Objection

    if not lines:
        return
    by_entry = {o.entry_id: o for o in Objection.objects.filter(nik=resident.nik, entry_id__in=[line.entry_id for line in lines])}
    for line in lines:
        line.objection = by_entry.get(line.entry_id)


def visible_staff_entry(resident, entry_id: int, now=None) -> AuditEntry | None:
    """A staff entry the resident may object to: one their tracker shows them."""
    return staff_entries(resident, now).filter(pk=entry_id).select_related("office").first()


def visible_line(resident, entry_id: int, now=None) -> Line | None:
    """The tracker line of a staff entry the resident may object to (operator name hidden)."""
    scope = Scope.of(resident, now)
    entry = _for_lines(staff_entries(resident, scope=scope).filter(pk=entry_id)).first()
    return None if entry is None else _line(entry, show_name=False, mentioned=not is_about(entry, scope))
