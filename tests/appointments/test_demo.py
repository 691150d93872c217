"""The demo seeds bookings at Kantor Kecamatan Mantikulore through the real actions."""

import pytest

from adminduk.appointments.demo import seed_demo_bookings
from adminduk.appointments.models import Booking, Slot
from adminduk.offices.demo import create_demo_offices
from adminduk.population.generator import generate_population

pytestmark = pytest.mark.django_db


def test_demo_bookings_are_seeded_once(palu_regions):
    create_demo_offices("72.71")
    generate_population("72.71", 1500, seed=2026)
    made = seed_demo_bookings(per_day=10)
    assert made == 20
    assert Booking.objects.filter(office__code="palu-mantikulore", status="booked").count() == 20
    assert sum(Slot.objects.values_list("booked", flat=True)) == 20
    assert seed_demo_bookings(per_day=10) == 0
