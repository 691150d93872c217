"""A resident's recording appointments in the portal: which offices and slots they may choose,
and their own bookings in plain words. The booking rules and writes are appointments' own
(appointments.actions); nothing here books, moves or cancels by itself."""

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from adminduk.appointments import slots as slot_rows
from adminduk.appointments.choices import OPEN_STATUSES, BookingStatus, Service
from adminduk.appointments.models import Booking, Slot
from adminduk.audit.actions import record
from adminduk.offices.models import Office
from adminduk.population.models import Resident

from .statuses import PlainStatus


def offices_for(resident: Resident) -> list[Office]:
    """Active offices of the resident's kab/kota, their own kecamatan's first."""
    kelurahan = resident.kelurahan
    regency = kelurahan.kecamatan.regency_id
    offices = list(Office.objects.filter(regency_id=regency, is_active=True).order_by("kind", "name"))
    own = [o for o in offices if o.kecamatan_id == kelurahan.kecamatan_id]
    return own + [o for o in offices if o not in own]


def open_booking(resident: Resident) -> Booking | None:
    return (
        Booking.objects.select_related("slot__office", "office", "resident__kelurahan")
        .filter(resident=resident, service=Service.PEREKAMAN, status__in=OPEN_STATUSES)
        .first()
    )


def when(slot: Slot) -> str:
    tz = slot.office.local_timezone()
    start, end = slot.starts_at.astimezone(tz), slot.ends_at.astimezone(tz)
    return f"{date_format(start.date(), 'l, j F Y')} {start:%H:%M}–{end:%H:%M}"


@dataclass
class DayChoice:
    office: Office
    day: dt.date
    slots: list[Slot]
    holiday: str | None
    today: dt.date

    @property
    def previous(self) -> dt.date | None:
        return self.day - dt.timedelta(days=1) if self.day > self.today + dt.timedelta(days=0) else None

    @property
    def next(self) -> dt.date:
        return self.day + dt.timedelta(days=1)


def day_choice(office: Office, day: dt.date | None) -> DayChoice:
    """The bookable slots of `office` on `day` (default: tomorrow), from today on only."""
    from adminduk.appointments.capacity import national_holiday
    from django.utils import timezone

    today = slot_rows.local_today(office)
    day = max(day or today + dt.timedelta(days=1), today)
    now = timezone.now()
    rows = [s for s in slot_rows.slots_for_day(office, day) if s.starts_at > now]
    for row in rows:
        tz = office.local_timezone()
        row.label = f"{row.starts_at.astimezone(tz):%H:%M}–{row.ends_at.astimezone(tz):%H:%M}"
    return DayChoice(office=office, day=day, slots=rows, holiday=national_holiday(day), today=today)


def parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass
class BookingView:
    booking: Booking
    when: str
    status: PlainStatus
    changeable: bool


def booking_status(booking: Booking) -> PlainStatus:
    office = {"office": booking.office.name, "when": when(booking.slot)}
    if booking.status == BookingStatus.BOOKED and booking.over_capacity:
        return PlainStatus(
            "booked",
            _("Please choose another time"),
            _("%(office)s cannot serve everyone booked on %(when)s. Move your booking to another time.") % office,
            "warn",
        )
    if booking.status == BookingStatus.BOOKED:
        return PlainStatus("booked", _("Booked"), _("Come to %(office)s on %(when)s. Bring your KK.") % office, "info")
    if booking.status == BookingStatus.CHECKED_IN:
        return PlainStatus("booked", _("Checked in"), _("You are in the queue at %(office)s.") % office, "info")
    if booking.status == BookingStatus.ATTENDED:
        return PlainStatus("recorded", _("Attended"), _("You came to %(office)s on %(when)s.") % office, "ok")
    if booking.status == BookingStatus.NO_SHOW:
        return PlainStatus("rejected", _("Missed"), _("You did not come on %(when)s. You may book a new time.") % office, "warn")
    return PlainStatus("rejected", _("Cancelled"), _("The appointment on %(when)s was cancelled.") % office, "info")


def bookings_of(request, resident: Resident) -> list[BookingView]:
    rows = list(
        Booking.objects.select_related("slot__office", "office").filter(resident=resident).order_by("-created_at")[:10]
    )
    record(
        request,
        "view",
        object_type="booking",
        object_id=resident.nik,
        kecamatan_code=resident.kelurahan_id[:8] if resident.kelurahan_id else "",
        details={"portal": "own bookings", "bookings": [str(b.pk) for b in rows]},
    )
    return [
        BookingView(booking=b, when=when(b.slot), status=booking_status(b), changeable=b.status == BookingStatus.BOOKED)
        for b in rows
    ]
