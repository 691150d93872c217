"""Demo bookings: residents of Mantikulore who still need their e-KTP recording, booked at
Kantor Kecamatan Mantikulore on its next two service days through the booking actions (so
the counters, audit entries and messages are the real ones), and a few for today, so that a
booked resident can be checked in at the office's node (Antrian, Lapor hadir). Idempotent."""

import datetime as dt

from django.utils import timezone

from adminduk.offices.models import Office
from adminduk.population.models import Resident

from . import actions, capacity, slots
from .choices import OPEN_STATUSES, BookingStatus, Channel
from .models import Booking
from .rules import BookingRefused, is_recorded

DEMO_OFFICE = "palu-mantikulore"
PER_DAY = 30
TODAY = 3  # bookings for today, for the node's check-in walk-through


def _unbooked_residents(office):
    return (
        Resident.objects.filter(life_status="hidup", kelurahan__kecamatan_id=office.kecamatan_id)
        .exclude(bookings__status__in=OPEN_STATUSES)
        .order_by("-nik")  # from the end: the demo prints the first NIKs for the recording walk-through
        .iterator()
    )


def seed_demo_bookings(office_code: str = DEMO_OFFICE, *, per_day: int = PER_DAY, days: int = 2) -> int:
    """Book `per_day` residents on each of the office's next `days` service days; returns how
    many bookings were made (0 when the office already has open bookings ahead)."""
    office = Office.objects.filter(code=office_code).first()
    if office is None:
        return 0
    today = slots.local_today(office)
    if Booking.objects.filter(office=office, status__in=OPEN_STATUSES, slot__date__gt=today).exists():
        return 0
    now = timezone.now()
    service_days, day = [], today + dt.timedelta(days=1)
    while len(service_days) < days and day <= today + dt.timedelta(days=21):
        rows = [s for s in slots.slots_for_day(office, day) if s.capacity and s.starts_at > now + dt.timedelta(hours=3)]
        if rows:
            service_days.append(rows)
        day += dt.timedelta(days=1)
    people = _unbooked_residents(office)
    made = 0
    for rows in service_days:
        booked_today = 0
        for resident in people:
            if booked_today == per_day:
                break
            if not resident.is_wajib_ktp(rows[0].date) or is_recorded(resident.nik):
                continue
            slot = rows[booked_today % len(rows)]  # spread over the day, evening included
            try:
                actions.book(nik=resident.nik, slot=slot, resident=resident, channel=Channel.COUNTER)
            except BookingRefused:
                continue
            booked_today += 1
            made += 1
    return made


def seed_today_bookings(office_code: str = DEMO_OFFICE, *, count: int = TODAY) -> list[Booking]:
    """`count` residents booked for today at the office, into the slots that have not ended yet
    (or the day's last slot once all have: the resident then queues as a walk-in), as if booked
    earlier (before the latest change time). None on a day the office is closed. Today's
    bookings still to be checked in are returned as they are when there are some already."""
    office = Office.objects.filter(code=office_code).first()
    if office is None:
        return []
    today = slots.local_today(office)
    waiting = Booking.objects.filter(office=office, slot__date=today, status=BookingStatus.BOOKED).select_related("slot", "resident")
    if waiting.exists():
        return list(waiting.order_by("slot__starts_at", "nik"))
    rows = [s for s in slots.slots_for_day(office, today) if s.capacity]
    if not rows:
        return []
    now = timezone.now()
    open_rows = [s for s in rows if s.ends_at > now] or rows[-1:]
    ahead = dt.timedelta(minutes=capacity.settings_for(office).change_cutoff_minutes + 60)
    made = []
    for resident in _unbooked_residents(office):
        if len(made) == count:
            break
        if not resident.is_wajib_ktp(today) or is_recorded(resident.nik):
            continue
        slot = open_rows[len(made) % len(open_rows)]
        try:
            made.append(actions.book(nik=resident.nik, slot=slot, resident=resident, channel=Channel.COUNTER, now=slot.starts_at - ahead))
        except BookingRefused:
            continue
    return made


def today_lines(office_code: str = DEMO_OFFICE) -> list[str]:
    """What the demo prints about today's bookings: whom to check in at the node."""
    office = Office.objects.filter(code=office_code).first()
    if office is None:
        return []
    today = slots.local_today(office)
    found = Booking.objects.filter(office=office, slot__date=today, status=BookingStatus.BOOKED).select_related("slot", "resident")
    found = list(found.order_by("slot__starts_at", "nik")[:TODAY])
    if not found:
        return ["  Booked for today at Mantikulore: nobody (the office is closed today)", ""]
    zone = office.local_timezone()
    shown = ", ".join(f"{b.nik} ({b.resident.full_name}, {b.slot.starts_at.astimezone(zone):%H:%M})" for b in found)
    return ["  Booked for today at Mantikulore (check in at the node: Antrian, Lapor hadir):", f"    {shown}", ""]
