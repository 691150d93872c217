"""Residents are told through the messaging adapter: a confirmation, another slot offered when
capacity drops below their booking, and a reminder the day before (a periodic Huey task)."""

import datetime as dt

import pytest
from django.utils import timezone

from adminduk.appointments import actions, slots, tasks
from adminduk.appointments.models import Booking
from adminduk.appointments.reminders import send_reminders
from adminduk.messaging.backends import read_outbox
from adminduk.offices import actions as office_actions
from adminduk.population.models import Resident

pytestmark = pytest.mark.django_db
PHONE = "+6281234567890"


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.ADMINDUK_MESSAGING_BACKEND = "file"
    settings.ADMINDUK_MESSAGING_FILE = str(tmp_path / "messages.jsonl")


@pytest.fixture
def with_phone(adult):
    Resident.objects.filter(pk=adult.pk).update(phone=PHONE)
    adult.refresh_from_db()
    return adult


def test_booking_is_confirmed_by_message(office, day, with_phone, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = actions.book(nik=with_phone.nik, slot=slots.slots_for_day(office, day)[0])
    (message,) = read_outbox(phone=PHONE, kind="booking_confirmed")
    assert office.name in message["text"] and str(booking.pk)[:8].upper() in message["text"]
    assert "08:00-09:00" in message["text"]


def test_a_closure_tells_the_resident_and_offers_another_slot(office, day, with_phone, django_capture_on_commit_callbacks):
    booking = actions.book(nik=with_phone.nik, slot=slots.slots_for_day(office, day)[0])
    with django_capture_on_commit_callbacks(execute=True):
        office_actions.add_closed_day(day, "Listrik padam", office=office)
    (message,) = read_outbox(phone=PHONE, kind="booking_over_capacity")
    # In Indonesian, with the first free slot after it: the next morning at 08:00.
    assert "Maaf" in message["text"] and str(booking.pk)[:8].upper() in message["text"]
    assert f"{(day + dt.timedelta(days=1)).day} Desember" in message["text"] or "08:00-09:00" in message["text"]


def test_reminder_the_day_before_is_sent_once(office, day, with_phone):
    from adminduk.messaging import consent

    consent.give(with_phone, via="portal")  # a reminder is not essential: it needs consent
    booking = actions.book(nik=with_phone.nik, slot=slots.slots_for_day(office, day)[0])
    local_eve = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(18)))
    assert send_reminders(now=local_eve - dt.timedelta(days=1)).sent == 0  # two days before: not yet
    assert send_reminders(now=local_eve).sent == 1
    assert send_reminders(now=local_eve).sent == 0  # a rerun sends nothing twice
    (message,) = read_outbox(phone=PHONE, kind="booking_reminder")
    assert office.name in message["text"]
    assert Booking.objects.get(pk=booking.pk).reminder_sent_at is not None


def test_the_reminder_task_runs_hourly_on_the_task_queue(office, day, with_phone):
    task = tasks.remind_tomorrows_bookings.task_class()
    assert task.validate_datetime(dt.datetime(2026, 12, 6, 18, 5)) and not task.validate_datetime(dt.datetime(2026, 12, 6, 18, 6))
    actions.book(nik=with_phone.nik, slot=slots.slots_for_day(office, day)[0])
    assert tasks.remind_tomorrows_bookings.call_local() == (1 if day == timezone.localdate() + dt.timedelta(days=1) else 0)


def test_no_reminder_without_consent(office, day, with_phone):
    actions.book(nik=with_phone.nik, slot=slots.slots_for_day(office, day)[0])
    local_eve = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(18)))
    run = send_reminders(now=local_eve)
    assert (run.sent, run.without_consent) == (0, 1)
    assert read_outbox(phone=PHONE, kind="booking_reminder") == []
