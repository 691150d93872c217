"""Service points: opening hours with evening service, closed days, equipment with history, and
the daily recording capacity that follows from them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from adminduk.offices import actions, queries, schedule
from adminduk.offices.demo import create_demo_offices
from adminduk.offices.models import EquipmentStatusChange, OpeningHours, Office

pytestmark = pytest.mark.django_db
T = dt.time
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def office(make_office):
    return make_office("72.71.08")


def test_evening_service_joins_the_day_and_counts_in_capacity(office):
    actions.set_opening_hours(office, [(0, T(8), T(16)), (0, T(16), T(20))])
    for n in (1, 2):
        actions.add_equipment(office, "recording_set", f"RS-{n}", label=f"Loket {n}")
    periods = schedule.service_periods(office, MONDAY)
    assert [(p[0].time(), p[1].time()) for p in periods] == [(T(8), T(20))]
    # 12 service hours x 2 sets x 12.5 recordings an hour.
    assert queries.daily_recording_capacity(office, MONDAY) == 300
    assert queries.daily_recording_capacity(office, MONDAY + dt.timedelta(days=1)) == 0  # no Tuesday hours


def test_overlapping_or_backwards_hours_are_refused_and_nothing_changes(office):
    actions.set_opening_hours(office, [(0, T(8), T(16))])
    with pytest.raises(ValidationError) as overlap:
        actions.add_opening_hours(office, 0, T(15), T(20))
    assert "overlaps" in str(overlap.value)
    with pytest.raises(ValidationError) as backwards:
        actions.set_opening_hours(office, [(1, T(20), T(8))])
    assert "must be before closing time" in str(backwards.value)
    assert list(OpeningHours.objects.filter(office=office).values_list("weekday", "opens", "closes")) == [(0, T(8), T(16))]


def test_closed_day_of_the_kota_stops_service_everywhere(office):
    actions.set_opening_hours(office, [(0, T(8), T(16))])
    actions.add_closed_day(MONDAY, "Cuti bersama", regency=office.regency)
    assert schedule.service_periods(office, MONDAY) == []
    assert not schedule.is_open(office, dt.datetime.combine(MONDAY, T(9), tzinfo=office.local_timezone()))
    with pytest.raises(ValidationError):
        actions.add_closed_day(MONDAY, "   ", office=office)


def test_equipment_history_keeps_every_change_and_retired_stays_retired(office, make_office):
    dinas = make_office("dinas")
    printer = actions.add_equipment(office, "card_printer", "CP-77", reason="Pengadaan 2026")
    actions.change_equipment_status(printer, "broken", "Ribbon jammed")
    actions.move_equipment(printer, dinas, "To the Dinas for repair")
    actions.change_equipment_status(printer, "retired", "Beyond repair")
    history = list(EquipmentStatusChange.objects.filter(equipment=printer).values_list("from_status", "to_status", "to_office__code"))
    assert history == [("", "active", office.code), ("active", "broken", office.code), ("broken", "broken", dinas.code), ("broken", "retired", dinas.code)]
    with pytest.raises(ValidationError) as error:
        actions.change_equipment_status(printer, "active", "Try again")
    assert "Retired equipment stays retired" in str(error.value)
    with pytest.raises(ValidationError):
        actions.change_equipment_status(printer, "broken", "")  # a reason is required
    with pytest.raises(PermissionError):
        EquipmentStatusChange.objects.filter(equipment=printer).delete()
    assert queries.active_capacity(office).card_printers == 0


def test_demo_offices_are_idempotent(palu_regions):
    first = create_demo_offices("72.71")
    assert first.offices_created == 9  # the Dinas and 8 kecamatan offices
    second = create_demo_offices("72.71")
    assert (second.offices_created, second.offices_given_hours, second.equipment_created) == (0, 0, 0)
    assert Office.objects.filter(kind="kecamatan").count() == 8
