import datetime as dt

import pytest
from django.utils import timezone

from adminduk.offices import actions as office_actions
from adminduk.offices.choices import EquipmentKind
from adminduk.queueing import actions
from adminduk.queueing.choices import Service


@pytest.fixture
def office(make_office):
    """Kantor Camat Mantikulore: Monday to Saturday 08:00-16:00 plus evening 16:00-20:00 on
    weekdays, two active recording sets."""
    office = make_office("72.71.08")
    periods = [(d, dt.time(8), dt.time(16)) for d in range(6)] + [(d, dt.time(16), dt.time(20)) for d in range(5)]
    office_actions.set_opening_hours(office, periods)
    for n in (1, 2):
        office_actions.add_equipment(office, EquipmentKind.RECORDING_SET, f"MTK-RS{n:02d}", label=f"Set {n}")
    return office


@pytest.fixture
def counters(office):
    return {
        "loket1": actions.add_counter(office, "Loket 1", [Service.PEREKAMAN, Service.PENGAMBILAN]),
        "loket2": actions.add_counter(office, "Loket 2", [Service.PEREKAMAN]),
        "loket3": actions.add_counter(office, "Loket 3", [Service.KK_AKTA]),
    }


@pytest.fixture
def operator(make_staff, office):
    return make_staff("kecamatan_operator", offices=("72.71.08",), certified=("recording",), username="op.antrian")


@pytest.fixture
def supervisor(make_staff, office):
    return make_staff("supervisor", offices=("72.71.08",), username="spv.antrian")


@pytest.fixture
def office_morning(monkeypatch):
    """The clock fixed at 08:00 in Palu (WITA, UTC+8) on the next Tuesday that is no national
    holiday, for tests that invite residents for "today": late in the local evening (from 13:00
    UTC) today's slots have passed their latest change time, and from 16:00 UTC it is already
    tomorrow in Palu. Returns that moment."""
    from tests.appointments.conftest import next_plain_weekday

    moment = dt.datetime.combine(next_plain_weekday(1, at_least=1), dt.time(8), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))
    return moment
