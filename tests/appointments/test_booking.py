"""Booking, rescheduling and cancelling, with each refusal stating why and storing nothing."""

import datetime as dt

import pytest

from adminduk.appointments import actions, slots
from adminduk.appointments.models import Booking, Slot
from adminduk.appointments.rules import BookingRefused
from adminduk.audit.models import AuditEntry
from adminduk.enrollment import requests
from adminduk.enrollment.statuses import RequestStatus

pytestmark = pytest.mark.django_db


def refused(code, call, *args, **kwargs):
    bookings, counters = Booking.objects.count(), list(Slot.objects.values_list("booked", flat=True))
    with pytest.raises(BookingRefused) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.text
    assert Booking.objects.count() == bookings
    assert list(Slot.objects.values_list("booked", flat=True)) == counters
    return info.value.text


def test_book_takes_a_place_and_is_audited(office, day, adult):
    slot = slots.slots_for_day(office, day)[0]
    booking = actions.book(nik=adult.nik, slot=slot.pk)
    slot.refresh_from_db()
    assert slot.booked == 1 and booking.status == "booked" and booking.office == office
    assert AuditEntry.objects.filter(object_type="booking", object_id=str(booking.pk), action="create").exists()


def test_bad_input_is_refused_with_a_clear_message(office, day, adult, make_resident):
    slot = slots.slots_for_day(office, day)[0]
    assert "16" in refused("invalid_nik", actions.book, nik="12345", slot=slot)
    assert "registry" in refused("unknown_nik", actions.book, nik="7271085705900999", slot=slot)
    child = make_resident(birth_date="2015-03-04", occupation="pelajar", education="sd")
    assert "wajib KTP" in refused("not_wajib_ktp", actions.book, nik=child.nik, slot=slot)
    recorded = make_resident(birth_date="1985-01-01")
    requests.open_request(nik=recorded.nik, office=office, kecamatan_code="72.71.08", status=RequestStatus.RECORDED, resident=recorded)
    assert "already been recorded" in refused("already_recorded", actions.book, nik=recorded.nik, slot=slot)
    past = Slot.objects.create(office=office, date=day - dt.timedelta(days=14), starts_at=slot.starts_at - dt.timedelta(days=14),
                               ends_at=slot.ends_at - dt.timedelta(days=14), capacity=5)
    assert "passed" in refused("past", actions.book, nik=adult.nik, slot=past)
    assert "closed" in refused("too_late", actions.book, nik=adult.nik, slot=slot, now=slot.starts_at - dt.timedelta(minutes=30))


def test_a_full_slot_refuses_the_next_booking(office, day, make_resident):
    slot = slots.slots_for_day(office, day)[0]
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    actions.book(nik=make_resident(birth_date="1990-01-01").nik, slot=slot)
    assert "full" in refused("slot_full", actions.book, nik=make_resident(birth_date="1990-01-02").nik, slot=slot)


def test_one_open_booking_per_resident(office, day, adult):
    first, second = slots.slots_for_day(office, day)[:2]
    actions.book(nik=adult.nik, slot=first)
    assert "already has a booking" in refused("already_booked", actions.book, nik=adult.nik, slot=second)


def test_reschedule_moves_the_place_and_cancel_frees_it(office, day, adult):
    first, second = slots.slots_for_day(office, day)[:2]
    booking = actions.book(nik=adult.nik, slot=first)
    actions.reschedule(booking, second)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.booked, second.booked) == (0, 1)
    booking.refresh_from_db()
    assert booking.slot == second
    actions.cancel(booking, reason="Berhalangan")
    second.refresh_from_db()
    assert second.booked == 0
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    # A cancelled booking leaves the resident free to book again.
    actions.book(nik=adult.nik, slot=first)


def test_changes_close_at_the_latest_change_time(office, day, adult):
    first, second = slots.slots_for_day(office, day)[:2]
    booking = actions.book(nik=adult.nik, slot=second)
    late = second.starts_at - dt.timedelta(minutes=60)
    assert "closed" in refused("too_late", actions.cancel, booking, now=late)
    assert "closed" in refused("too_late", actions.reschedule, booking, first, now=late)


def test_a_flagged_booking_may_move_after_the_change_time(office, day, adult):
    rows = slots.slots_for_day(office, day)
    first, second = rows[0], rows[6]
    booking = actions.book(nik=adult.nik, slot=first)
    Booking.objects.filter(pk=booking.pk).update(over_capacity=True)
    moved = actions.reschedule(booking, second, now=first.starts_at - dt.timedelta(minutes=10))
    assert moved.slot == second and not moved.over_capacity
