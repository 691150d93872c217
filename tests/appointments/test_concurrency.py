"""Many connections booking the last places of one slot at once (PostgreSQL: real concurrent
transactions, each thread on its own connection). Never more bookings than capacity, and no
resident with two open bookings."""

import threading
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection

from adminduk.appointments import actions, slots
from adminduk.appointments.models import Booking, Slot
from adminduk.appointments.rules import BookingRefused

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL (row locks across connections)"
    ),
]

WORKERS = 24


def run_at_once(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except BookingRefused as exc:
            outcomes[index] = exc.code
        except Exception as exc:  # noqa: BLE001 - any other failure is reported by the assertion
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_last_places_never_overbooked(office, day, make_resident):
    slot = slots.slots_for_day(office, day)[0]
    Slot.objects.filter(pk=slot.pk).update(capacity=8)
    for n in range(1, 4):  # 3 of 8 places already taken
        actions.book(nik=make_resident(birth_date=f"1980-01-{n:02d}").nik, slot=slot)
    people = [make_resident(birth_date=f"1990-02-{n:02d}") for n in range(1, WORKERS + 1)]
    outcomes = run_at_once([lambda p=p: actions.book(nik=p.nik, slot=slot.pk) for p in people])
    codes = Counter(o if isinstance(o, str) else "booked" for o in outcomes)
    assert codes == {"booked": 5, "slot_full": WORKERS - 5}, codes
    slot.refresh_from_db()
    assert slot.booked == slot.capacity == Booking.objects.filter(slot=slot, status="booked").count() == 8


def test_one_resident_racing_into_many_slots_gets_one_booking(office, day, adult):
    rows = slots.slots_for_day(office, day)
    outcomes = run_at_once([lambda s=s: actions.book(nik=adult.nik, slot=s.pk) for s in rows] * 2)
    codes = Counter(o if isinstance(o, str) else "booked" for o in outcomes)
    assert codes == {"booked": 1, "already_booked": 2 * len(rows) - 1}, codes
    assert Booking.objects.filter(resident=adult, status="booked").count() == 1
    assert sum(Slot.objects.filter(office=office, date=day).values_list("booked", flat=True)) == 1
