"""Booked residents checked in at the queue: priority from their booked time."""

import datetime as dt

import pytest

from adminduk.appointments import actions as booking_actions
from adminduk.appointments.choices import BookingStatus
from adminduk.appointments.slots import slots_for_day
from adminduk.queueing import actions, checkin
from adminduk.queueing.choices import Priority, Service, TicketStatus
from tests.appointments.conftest import next_plain_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(office, make_resident):
    resident = make_resident(birth_date="1990-05-17")
    day = next_plain_weekday(1, at_least=1)  # a Tuesday
    slot = next(s for s in slots_for_day(office, day) if s.starts_at.astimezone(office.local_timezone()).hour == 10)
    return booking_actions.book(nik=resident.nik, slot=slot)


def test_check_in_gives_a_booking_ticket_called_from_its_time(office, counters, booking, operator):
    slot = booking.slot
    early = slot.starts_at - dt.timedelta(minutes=30)
    walk_in = actions.issue_ticket(office, Service.PEREKAMAN, now=early - dt.timedelta(minutes=5))
    ticket = checkin.check_in(office, booking.nik, actor=operator, now=early)
    assert ticket.priority == Priority.BOOKING and ticket.booking_id == booking.pk and ticket.nik == booking.nik
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    # Before the booked time the walk-in goes first; from it, the booked resident does.
    assert actions.call_next(counters["loket2"], now=early + dt.timedelta(minutes=1)).pk == walk_in.pk
    later = actions.issue_ticket(office, Service.PEREKAMAN, now=early + dt.timedelta(minutes=2))
    assert actions.call_next(counters["loket2"], now=slot.starts_at).pk == ticket.pk
    actions.call_next(counters["loket2"], now=slot.starts_at + dt.timedelta(minutes=5))  # serves the booked resident
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED
    assert later.pk != ticket.pk


def test_a_no_show_closes_the_booking_as_no_show(office, counters, booking):
    ticket = checkin.check_in(office, booking.nik, now=booking.slot.starts_at)
    actions.call_next(counters["loket1"], now=booking.slot.starts_at)
    actions.mark_no_show(ticket, counter=counters["loket1"], now=booking.slot.starts_at)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW


def test_late_arrival_queues_as_a_walk_in(office, booking):
    ticket = checkin.check_in(office, booking.nik, now=booking.slot.ends_at + dt.timedelta(minutes=1))
    assert ticket.priority == Priority.UMUM


def test_check_in_refusals_store_nothing(office, booking, make_resident):
    other = make_resident(birth_date="1985-01-01")
    on_day = booking.slot.starts_at
    with pytest.raises(actions.QueueError, match="no booking"):
        checkin.check_in(office, other.nik, now=on_day)
    with pytest.raises(actions.QueueError):
        checkin.check_in(office, "12345", now=on_day)
    with pytest.raises(actions.QueueError, match="no booking"):
        checkin.check_in(office, booking.nik, now=on_day - dt.timedelta(days=1))
    assert not actions.Ticket.objects.exists()
    checkin.check_in(office, booking.nik, now=on_day)
    with pytest.raises(actions.QueueError, match="already checked in"):
        checkin.check_in(office, booking.nik, now=on_day)
    assert actions.Ticket.objects.filter(status=TicketStatus.WAITING).count() == 1
