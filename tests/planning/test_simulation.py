"""The queue simulation: evening hours raise the residents served and lower the waits; the
same seed gives the same day; the inputs come from the queue's records once there are enough."""

import datetime as dt

import pytest
from django.utils import timezone

from adminduk.planning import simulation, simulation_inputs
from adminduk.planning.simulation import SimulationInputs
from adminduk.queueing.choices import Service, TicketStatus
from adminduk.queueing.models import Ticket


@pytest.mark.parametrize("sets", [1, 2, 3])
def test_evening_hours_serve_more_and_wait_less(sets):
    result = simulation.compare(SimulationInputs(sets=sets), days=10)
    day, evening = result.without_evening, result.with_evening
    assert evening.served > day.served * 1.2
    assert evening.p50_wait_minutes < day.p50_wait_minutes
    assert evening.p90_wait_minutes < day.p90_wait_minutes
    assert evening.sent_home < day.sent_home
    # Every resident who came was served or sent home (or is still being served at the end).
    assert day.served + day.sent_home == pytest.approx(day.arrived, abs=0.01)


def test_the_same_seed_gives_the_same_day_and_another_seed_another():
    inputs = SimulationInputs(sets=2)
    first = simulation.simulate(inputs, evening=True, days=5, seed=7)
    assert simulation.simulate(inputs, evening=True, days=5, seed=7) == first
    assert simulation.simulate(inputs, evening=True, days=5, seed=8) != first


def test_more_sets_shorten_the_wait():
    busy = simulation.simulate(SimulationInputs(sets=2, walk_in_per_hour={h: 40.0 for h in range(8, 16)}), evening=False, days=10)
    more = simulation.simulate(SimulationInputs(sets=4, walk_in_per_hour={h: 40.0 for h in range(8, 16)}), evening=False, days=10)
    assert more.p90_wait_minutes < busy.p90_wait_minutes
    assert more.served > busy.served


def test_booked_residents_go_first():
    crowded = SimulationInputs(sets=1, booked_share=0.3, no_show_rate=0.0, walk_in_per_hour={h: 20.0 for h in range(7, 16)})
    result = simulation.simulate(crowded, evening=False, days=5)
    assert result.sent_home > 0  # walk-ins pile up, bookings are still served
    assert result.p50_wait_minutes is not None


def test_an_office_without_a_set_cannot_be_simulated():
    with pytest.raises(ValueError, match="no recording set"):
        simulation.simulate(SimulationInputs(sets=0), evening=False, days=1)


@pytest.fixture
def office(make_office):
    from adminduk.offices import actions
    from adminduk.offices.choices import EquipmentKind

    office = make_office("72.71.08")
    actions.set_opening_hours(office, [(d, dt.time(8), dt.time(16)) for d in range(5)])
    for n in (1, 2):
        actions.add_equipment(office, EquipmentKind.RECORDING_SET, f"SIM-RS{n}", label=f"Set {n}")
    return office


@pytest.mark.django_db
def test_defaults_until_the_queue_has_records(office):
    inputs = simulation_inputs.for_office(office)
    assert inputs.source == "defaults" and inputs.sets == 2
    assert (inputs.day_opens, inputs.day_closes, inputs.evening_closes) == (8.0, 16.0, 20.0)
    assert inputs.service_mean_minutes == 5.0
    assert any("defaults" in note for note in inputs.notes)


@pytest.mark.django_db
def test_the_queue_records_become_the_inputs(office):
    now = timezone.now()
    tz = office.local_timezone()
    day = (now - dt.timedelta(days=3)).astimezone(tz).date()
    opening = dt.datetime.combine(day, dt.time(9), tzinfo=tz)
    tickets = []
    for n in range(40):
        issued = opening + dt.timedelta(minutes=6 * n)
        called = issued + dt.timedelta(minutes=10)
        tickets.append(
            Ticket(
                office=office, service=Service.PEREKAMAN, day=day, number=n + 1, status=TicketStatus.SERVED,
                issued_at=issued, queued_at=issued, first_called_at=called, last_called_at=called,
                finished_at=called + dt.timedelta(minutes=8), call_count=1,
            )
        )
    Ticket.objects.bulk_create(tickets)
    inputs = simulation_inputs.for_office(office, now=now)
    assert inputs.source == "queue"
    assert inputs.service_mean_minutes == pytest.approx(8.0)
    # 40 walk-ins from 09:00 to 12:54 on one day: 10 in each of those hours.
    assert inputs.walk_in_per_hour == {9: 10.0, 10: 10.0, 11: 10.0, 12: 10.0}
    assert inputs.walk_in_rate(17) > 0  # no evening records: the default profile fills in
    assert any("real waits p50 10" in note for note in inputs.notes)
    slower = simulation.simulate(inputs, evening=False, days=5)
    assert slower.served > 0


@pytest.mark.django_db
def test_the_demo_queue_history_feeds_the_simulation(office):
    from adminduk.queueing.demo import ensure_demo_counters, seed_past_days

    ensure_demo_counters(office)
    made = seed_past_days(office, days=3, per_day=40)
    assert made == 120
    assert seed_past_days(office, days=3, per_day=40) == 120  # three earlier days; never the same day twice
    assert Ticket.objects.filter(office=office).values("day", "number").distinct().count() == 240
    inputs = simulation_inputs.for_office(office)
    assert inputs.source == "queue"
    assert 4 <= inputs.service_mean_minutes <= 9
    assert sum(inputs.walk_in_per_hour.values()) == pytest.approx(40, abs=1)
