"""The demo seeds bookings at Kantor Kecamatan Mantikulore through the real actions."""

import datetime as dt

import pytest
from django.utils import timezone

from adminduk.appointments.demo import seed_demo_bookings
from adminduk.appointments.models import Booking, Slot
from adminduk.offices.demo import create_demo_offices
from adminduk.population.generator import generate_population

from .conftest import next_plain_weekday

pytestmark = pytest.mark.django_db


def test_demo_bookings_are_seeded_once(palu_regions):
    create_demo_offices("72.71")
    generate_population("72.71", 1500, seed=2026)
    made = seed_demo_bookings(per_day=10)
    assert made == 20
    assert Booking.objects.filter(office__code="palu-mantikulore", status="booked").count() == 20
    assert sum(Slot.objects.values_list("booked", flat=True)) == 20
    assert seed_demo_bookings(per_day=10) == 0


@pytest.mark.parametrize("local_time, walk_in", [(dt.time(10, 30), False), (dt.time(21, 30), True)])
def test_todays_demo_bookings_can_be_checked_in_at_the_office(palu_regions, monkeypatch, local_time, walk_in):
    """The node's walk-through checks in a resident booked for today, at any hour of the day."""
    from adminduk.appointments.demo import seed_today_bookings, today_lines
    from adminduk.offices.models import Office
    from adminduk.queueing import checkin
    from adminduk.queueing.choices import Priority

    day = next_plain_weekday(1, at_least=1)  # a Tuesday: Mantikulore serves 08:00-20:00
    wita = dt.timezone(dt.timedelta(hours=8))
    now = dt.datetime.combine(day, local_time, tzinfo=wita)
    monkeypatch.setattr(timezone, "now", lambda: now)
    create_demo_offices("72.71")
    generate_population("72.71", 600, seed=2026)
    made = seed_today_bookings()
    assert len(made) == 3 and {b.slot.date for b in made} == {day} and {b.status for b in made} == {"booked"}
    assert (min(b.slot.ends_at for b in made) <= now) is walk_in  # after closing: the day's last slot
    assert [b.pk for b in seed_today_bookings()] == [b.pk for b in sorted(made, key=lambda b: (b.slot.starts_at, b.nik))]
    assert made[0].nik in "\n".join(today_lines())
    office = Office.objects.get(code="palu-mantikulore")
    ticket = checkin.check_in(office, made[0].nik, now=now)
    assert ticket.priority == (Priority.UMUM if walk_in else Priority.BOOKING)
