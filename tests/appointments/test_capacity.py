"""Capacity follows equipment, opening hours (evening included), blocked time, national
holidays and closures; a drop flags the bookings beyond it."""

import datetime as dt

import pytest

from adminduk.appointments import actions, capacity, slots
from adminduk.appointments.models import Booking
from adminduk.offices import actions as office_actions

from .conftest import T

pytestmark = pytest.mark.django_db


def test_two_sets_from_eight_to_twenty_give_hourly_slots_with_evening(office, day):
    rows = slots.slots_for_day(office, day)
    assert [r.starts_at.astimezone(office.local_timezone()).time() for r in rows] == [T(h) for h in range(8, 20)]
    # 2 sets x 60 minutes / 5 minutes per recording.
    assert {r.capacity for r in rows} == {24}
    assert capacity.day_capacity(office, day) == 12 * 24


def test_minutes_per_recording_is_set_per_office(office, day):
    actions.set_booking_settings(office, minutes_per_recording=6)
    assert capacity.day_capacity(office, day) == 12 * 20


def test_a_broken_set_halves_future_capacity_at_once(office, day):
    rows = slots.slots_for_day(office, day)
    office_actions.change_equipment_status(office.sets[0], "broken", "Kamera rusak")
    assert {s.capacity for s in slots.slots_for_day(office, day)} == {12}
    office_actions.change_equipment_status(office.sets[0], "active", "Diperbaiki")
    assert {s.capacity for s in slots.slots_for_day(office, day)} == {24}
    assert len(rows) == 12


def test_blocked_time_removes_its_minutes(office, day):
    tz = office.local_timezone()
    start = dt.datetime.combine(day, T(9, 30), tzinfo=tz)
    actions.add_blocked_time(office, start, start + dt.timedelta(hours=1), "Rapat koordinasi")
    by_hour = {s.starts_at.astimezone(tz).hour: s.capacity for s in slots.slots_for_day(office, day)}
    assert by_hour[9] == 12 and by_hour[10] == 12 and by_hour[8] == 24


def test_a_national_holiday_has_no_slots(office):
    independence_day = dt.date(dt.date.today().year + 1, 8, 17)
    assert capacity.national_holiday(independence_day)
    assert capacity.windows(office, independence_day) == []


def test_an_office_closure_removes_the_day_and_flags_its_bookings(office, day, adult):
    slot = slots.slots_for_day(office, day)[0]
    booking = actions.book(nik=adult.nik, slot=slot)
    office_actions.add_closed_day(day, "Kantor direnovasi", office=office)
    assert all(s.capacity == 0 for s in slots.slots_for_day(office, day))
    booking.refresh_from_db()
    assert booking.over_capacity and booking.flagged_at is not None


def test_hours_cut_flags_only_the_latest_bookings(office, day, make_resident):
    tz = office.local_timezone()
    evening = next(s for s in slots.slots_for_day(office, day) if s.starts_at.astimezone(tz).hour == 19)
    people = [make_resident(birth_date="1991-01-0%d" % n) for n in range(1, 4)]
    bookings = [actions.book(nik=p.nik, slot=evening) for p in people]
    # Evening service dropped on Mondays: the 19:00 slot has no capacity any more.
    office_actions.set_opening_hours(office, [(d, T(8), T(16)) for d in range(4)] + [(d, T(16), T(20)) for d in range(1, 4)])
    flagged = set(Booking.objects.filter(over_capacity=True).values_list("pk", flat=True))
    assert flagged == {b.pk for b in bookings}
    # One set of two breaks: the 08:00 slot keeps the first 12 of 13 bookings.
    morning = slots.slots_for_day(office, day)[0]
    more = [make_resident(birth_date=f"1992-02-{n:02d}") for n in range(1, 14)]
    made = [actions.book(nik=p.nik, slot=morning) for p in more]
    office_actions.change_equipment_status(office.sets[1], "broken", "Printer sidik jari rusak")
    flagged_morning = list(Booking.objects.filter(slot=morning, over_capacity=True))
    assert [b.pk for b in flagged_morning] == [made[-1].pk]
