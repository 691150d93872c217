"""Demo bookings: residents of Mantikulore who still need their e-KTP recording, booked at
Kantor Kecamatan Mantikulore on its next two service days through the booking actions (so
the counters, audit entries and messages are the real ones). Idempotent."""

import datetime as dt

from django.utils import timezone

from adminduk.offices.models import Office
from adminduk.population.models import Resident

from . import actions, slots
from .choices import OPEN_STATUSES, Channel
from .models import Booking
from .rules import BookingRefused, is_recorded

DEMO_OFFICE = "palu-mantikulore"
PER_DAY = 30


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
    people = (
        Resident.objects.filter(life_status="hidup", kelurahan__kecamatan_id=office.kecamatan_id)
        .exclude(bookings__status__in=OPEN_STATUSES)
        .order_by("-nik")  # from the end: the demo prints the first NIKs for the recording walk-through
        .iterator()
    )
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
