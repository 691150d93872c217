"""RT invitations: the wajib KTP residents of one RT who are not recorded yet, spread over the
coming service days within the office's recording capacity (evening service included)."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.appointments import actions as booking_actions
from adminduk.appointments import rules as booking_rules
from adminduk.appointments.choices import OPEN_STATUSES, Channel
from adminduk.appointments.models import Booking, Slot
from adminduk.appointments.slots import slots_for_day
from adminduk.audit.actions import record
from adminduk.enrollment.models import KtpRequest
from adminduk.enrollment.statuses import RequestStatus
from adminduk.population.models import Resident
from adminduk.regions.models import Kelurahan

from .actions import QueueError
from .choices import InvitationStatus
from .models import Invitation

# A request in one of these has not been recorded yet; any other (but rejected) means recorded.
NOT_RECORDED = {RequestStatus.BOOKED, RequestStatus.CHECKED_IN, RequestStatus.REJECTED}
MAX_DAYS = 60


@dataclass(frozen=True)
class Placement:
    resident: Resident
    slot: Slot
    date: dt.date
    time: dt.time


@dataclass(frozen=True)
class Plan:
    office: object
    kelurahan: Kelurahan
    rw: str
    rt: str
    candidates: tuple[Resident, ...]
    placements: tuple[Placement, ...]

    @property
    def unplaced(self) -> int:
        return len(self.candidates) - len(self.placements)


def neighbourhood_number(value, what: str) -> str:
    """RW/RT as the registry stores it: three digits ("1" and "001" are the same RT)."""
    text = str(value or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= 999:
        raise QueueError(_("%(what)s must be a number from 1 to 999, not %(value)s.") % {"what": what, "value": text or "-"}, code=what.lower())
    return f"{int(text):03d}"


def kelurahan_of(office, code: str) -> Kelurahan:
    kelurahan = Kelurahan.objects.filter(code=(code or "").strip()).first()
    if kelurahan is None:
        raise QueueError(_("Unknown kelurahan/desa %(code)s.") % {"code": code or "-"}, code="kelurahan")
    if office.kecamatan_id and kelurahan.kecamatan_id != office.kecamatan_id:
        raise QueueError(_("%(kelurahan)s is not served by %(office)s.") % {"kelurahan": kelurahan.name, "office": office}, code="kelurahan")
    if not office.kecamatan_id and not kelurahan.code.startswith(office.regency_id + "."):
        raise QueueError(_("%(kelurahan)s is not served by %(office)s.") % {"kelurahan": kelurahan.name, "office": office}, code="kelurahan")
    return kelurahan


def uninvited_unrecorded(kelurahan: Kelurahan, rw: str, rt: str, on: dt.date) -> list[Resident]:
    """Wajib KTP residents living in the RT on `on`, without a recording and without an
    invitation from `on` onwards, in NIK order."""
    residents = Resident.objects.filter(kelurahan=kelurahan, rw=rw, rt=rt, life_status="hidup").order_by("nik")
    recorded = set(
        KtpRequest.objects.filter(resident__kelurahan=kelurahan, resident__rw=rw, resident__rt=rt)
        .exclude(status__in=sorted(NOT_RECORDED))
        .values_list("resident_id", flat=True)
    )
    booked = set(
        Booking.objects.filter(resident__kelurahan=kelurahan, resident__rw=rw, resident__rt=rt, status__in=OPEN_STATUSES).values_list(
            "resident_id", flat=True
        )
    )
    return [r for r in residents if r.is_wajib_ktp(on) and r.pk not in recorded and r.pk not in booked]


def bookable_slots(office, day: dt.date, now: dt.datetime | None = None) -> list[Slot]:
    """The day's recording slots that may still be booked now (not begun, not past the
    office's latest change time, within its booking horizon)."""
    found = []
    for slot in slots_for_day(office, day):
        try:
            booking_rules.check_changeable(slot, now)
        except booking_rules.BookingRefused:
            continue
        found.append(slot)
    return found


def day_capacity(office, day: dt.date) -> int:
    """Free recording places of `office` on `day` (appointments' capacity less its bookings)."""
    return sum(slot.free for slot in bookable_slots(office, day))


def _place_day(office, day: dt.date, residents: list[Resident], per_day: int) -> list[Placement]:
    """Up to `per_day` of `residents` on `day`, spaced evenly over the day's slots (evening
    service included); a slot never takes more than its free places."""
    slots = bookable_slots(office, day)
    free = [slot.free for slot in slots]
    count = max(0, min(per_day, sum(free), len(residents)))
    local_tz = office.local_timezone()
    placements = []
    for k, resident in enumerate(residents[:count]):
        ideal = int((k + 0.5) * len(slots) / count)
        open_slots = [i for i in range(len(slots)) if free[i] > 0]
        if not open_slots:
            break
        index = min(open_slots, key=lambda i: (abs(i - ideal), -free[i], i))
        free[index] -= 1
        start = slots[index].starts_at.astimezone(local_tz)
        placements.append(Placement(resident, slots[index], start.date(), start.time().replace(tzinfo=None)))
    return placements


def plan(office, kelurahan_code: str, rw, rt, *, start: dt.date | None = None, days: int = 7, per_day: int = 40) -> Plan:
    """Where the RT's unrecorded residents would go, from `start` (default tomorrow) over
    `days` days, at most `per_day` a day and never past a day's recording capacity."""
    today = timezone.localdate()
    start = start or today + dt.timedelta(days=1)
    if start < today:
        raise QueueError(_("The first day cannot be in the past."), code="past")
    if not 1 <= days <= MAX_DAYS:
        raise QueueError(_("Spread over 1 to %(max)s days.") % {"max": MAX_DAYS}, code="days")
    if per_day < 1:
        raise QueueError(_("At least one invitation a day."), code="per_day")
    kelurahan = kelurahan_of(office, kelurahan_code)
    rw, rt = neighbourhood_number(rw, "RW"), neighbourhood_number(rt, "RT")
    candidates = uninvited_unrecorded(kelurahan, rw, rt, start)
    placements: list[Placement] = []
    remaining = list(candidates)
    for offset in range(days):
        if not remaining:
            break
        placed = _place_day(office, start + dt.timedelta(days=offset), remaining, per_day)
        placements += placed
        remaining = remaining[len(placed):]
    return Plan(office, kelurahan, rw, rt, tuple(candidates), tuple(placements))


@transaction.atomic
def invite_rt(office, kelurahan_code: str, rw, rt, *, actor=None, request=None, **options) -> tuple[uuid.UUID, list[Invitation], Plan]:
    """Write the plan's invitations as one batch (audited). An RT with nobody to invite is
    refused with the reason; nothing is stored then. Invitations are made at the central, which
    holds every office's capacity; the office's node receives them in the pull."""
    if settings.ROLE == "node":
        raise QueueError(_("RT invitations are made at the central; this node receives them when it syncs."), code="central_only")
    result = plan(office, kelurahan_code, rw, rt, **options)
    if not result.candidates:
        raise QueueError(
            _("RT %(rt)s / RW %(rw)s of %(kelurahan)s has no wajib KTP resident left to invite.")
            % {"rt": result.rt, "rw": result.rw, "kelurahan": result.kelurahan.name},
            code="empty_rt",
        )
    if not result.placements:
        raise QueueError(_("No recording capacity left on those days: choose other days."), code="no_capacity")
    batch = uuid.uuid4()
    invitations, refused = [], {}
    for placement in result.placements:
        try:
            booking = booking_actions.book(
                nik=placement.resident.nik, slot=placement.slot, actor=actor, channel=Channel.INVITATION, request=request
            )
        except booking_rules.BookingRefused as exc:  # taken by a booking made meanwhile, say
            refused[placement.resident.nik] = exc.code
            continue
        invitations.append(
            Invitation.objects.create(
                batch=batch, resident=placement.resident, nik=placement.resident.nik, office=office, date=placement.date,
                time=placement.time, kelurahan=result.kelurahan, rw=result.rw, rt=result.rt, booking=booking,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
        )
    if not invitations:
        raise QueueError(_("No recording capacity left on those days: choose other days."), code="no_capacity")
    record(
        request, "create", object_type="invitation_batch", object_id=str(batch),
        kecamatan_code=result.kelurahan.kecamatan_id, actor=actor,
        details={"kelurahan": result.kelurahan.code, "rw": result.rw, "rt": result.rt, "invited": len(invitations),
                 "unplaced": result.unplaced, "refused": refused},
        mentions=[i.nik for i in invitations],
    )
    return batch, invitations, result


def invited_on(office, day: dt.date):
    return Invitation.objects.filter(office=office, date=day, status=InvitationStatus.INVITED).select_related(
        "resident", "kelurahan", "booking"
    )


def messages_of(invitations) -> dict:
    """resident id -> the booking confirmation sent to them for these invitations (the
    messaging adapter's record: sent or failed), when a phone number was on file."""
    from adminduk.messaging.models import Message

    rows = list(invitations)
    if not rows:
        return {}
    since = min(i.created_at for i in rows) - dt.timedelta(minutes=1)
    found = {}
    for message in Message.objects.filter(
        resident_id__in=[i.resident_id for i in rows], kind="booking_confirmed", created_at__gte=since
    ).order_by("created_at"):
        found[message.resident_id] = message
    return found
