import datetime as dt

import pytest
from django.utils import timezone

from adminduk.appointments import capacity
from adminduk.offices import actions as office_actions

T = dt.time


def next_plain_weekday(weekday: int, *, at_least: int = 2) -> dt.date:
    """The first `weekday` (0 = Monday) at least `at_least` days ahead that is no national holiday."""
    day = timezone.localdate() + dt.timedelta(days=at_least)
    while day.weekday() != weekday or capacity.national_holiday(day):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def office(make_office):
    """Kantor Camat Mantikulore: Monday-Thursday 08:00-16:00 plus evening service to 20:00, two sets."""
    office = make_office("72.71.08")
    office_actions.set_opening_hours(office, [(d, T(8), T(16)) for d in range(4)] + [(d, T(16), T(20)) for d in range(4)])
    office.sets = [office_actions.add_equipment(office, "recording_set", f"RS-{n}", label=f"Loket {n}") for n in (1, 2)]
    return office


@pytest.fixture
def day():
    return next_plain_weekday(0)


@pytest.fixture
def adult(make_resident):
    return make_resident(full_name="SITI RAHMAWATI", birth_date="1990-05-17")
