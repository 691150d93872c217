"""The planner against the seeds' figures (Kota Palembang: 1.2 million wajib KTP, 29,000
recorded, 16 kecamatan at about 380 recordings a day; Ilir Timur II with 138,000 wajib KTP and
3 sets, planned 7-8) and its answers when money or space runs out."""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

import adminduk
from adminduk.planning import csvinput, planner
from adminduk.planning.calendar import WorkingCalendar
from adminduk.planning.model import Costs, KecamatanInput, Limits, PlanRequest

PALEMBANG = Path(adminduk.__file__).parent / "planning" / "data" / "palembang-2011.csv"
START = dt.date(2027, 1, 4)  # a Monday
ILIR_TIMUR_II = "16.71.06"


@pytest.fixture(scope="module")
def palembang() -> list[KecamatanInput]:
    return csvinput.read_csv_file(PALEMBANG)


def working_day(n: int) -> dt.date:
    return WorkingCalendar(START).nth(n)


def test_the_seed_figures(palembang):
    assert len(palembang) == 16
    assert sum(k.wajib_ktp for k in palembang) == 1_200_000
    assert sum(k.recorded for k in palembang) == 29_000
    daily = [k.sets * k.per_set_per_day for k in palembang]
    assert daily.count(380) == 15  # Ilir Timur II has its third set: 570
    itii = next(k for k in palembang if k.kode == ILIR_TIMUR_II)
    assert (itii.wajib_ktp, itii.sets) == (138_000, 3)


def test_at_380_a_day_each_the_kota_needs_about_190_working_days(palembang):
    plan = planner.plan(PlanRequest(palembang, START, dt.date(2027, 12, 31)))
    assert 180 <= plan.pooled_working_days <= 195
    # Ilir Timur II, the largest, is the last to finish at the current rate.
    last = max(plan.kecamatan, key=lambda k: k.completion_date)
    assert last.kode == ILIR_TIMUR_II
    itii_days = WorkingCalendar(START).until(last.completion_date)
    assert itii_days == -(-(138_000 - 3335) // 570)
    # A deadline after every current completion date needs no set, only printers for the cards
    # (Ilir Timur II has the only one, and the Dinas none here).
    assert plan.feasible
    assert all(k.add_sets == 0 and not k.open_evening for k in plan.kecamatan)
    assert plan.cost == Costs().printer * (sum(k.add_printers for k in plan.kecamatan) + plan.add_dinas_printers)


def test_a_sooner_deadline_adds_sets_first_where_the_most_remain(palembang):
    # Everyone else finishes within 232 working days; Ilir Timur II needs 237.
    plan = planner.plan(PlanRequest(palembang, START, working_day(234)))
    assert plan.feasible
    with_sets = {k.kode for k in plan.kecamatan if k.add_sets}
    assert with_sets == {ILIR_TIMUR_II}
    assert plan.kecamatan[5].new_completion_date <= plan.deadline < plan.kecamatan[5].completion_date


def test_a_tight_deadline_gives_ilir_timur_ii_seven_or_eight_sets(palembang):
    plan = planner.plan(PlanRequest(palembang, START, working_day(95)))
    assert plan.feasible, plan.impossible
    by_kode = {k.kode: k for k in plan.kecamatan}
    itii = by_kode[ILIR_TIMUR_II]
    assert 7 <= 3 + itii.add_sets <= 8
    assert itii.add_sets == max(k.add_sets for k in plan.kecamatan)
    # More remaining, never fewer sets in the end (all have the same rate per set).
    ordered = sorted(palembang, key=lambda k: k.remaining)
    totals = [k.sets + by_kode[k.kode].add_sets for k in ordered]
    assert totals == sorted(totals)
    for k in plan.kecamatan:
        assert k.new_completion_date <= plan.deadline
    assert plan.cost == sum(k.cost for k in plan.kecamatan) + plan.add_dinas_printers * Costs().printer
    assert plan.shortfall == 0 and plan.required_budget == plan.cost


def test_blangko_cover_every_card_with_spoilage(palembang):
    plan = planner.plan(PlanRequest(palembang, START, working_day(150), dinas_printers=2))
    for k in plan.kecamatan:
        assert k.cards_here + k.cards_at_dinas + k.cards_late == k.remaining
        assert k.blangko_needed == (-(-k.cards_here * 102 // 100) if k.cards_here else 0)
    assert plan.dinas_blangko_needed >= sum(k.cards_at_dinas for k in plan.kecamatan)


def test_a_budget_too_small_reports_the_shortfall_and_the_budget_needed(palembang):
    deadline = working_day(120)
    unlimited = planner.plan(PlanRequest(palembang, START, deadline))
    assert unlimited.feasible
    budget = unlimited.cost // 2
    plan = planner.plan(PlanRequest(palembang, START, deadline, budget=budget))
    assert not plan.feasible
    assert plan.required_budget == unlimited.cost
    assert plan.shortfall == unlimited.cost - budget
    assert plan.cost <= budget
    assert plan.impossible == []
    assert any(not k.meets_deadline for k in plan.kecamatan)
    # Within the budget it still does what it can: the area finishes sooner than doing nothing.
    assert plan.new_completion_date < plan.current_completion_date
    # Exactly enough is enough.
    exact = planner.plan(PlanRequest(palembang, START, deadline, budget=unlimited.cost))
    assert exact.feasible and exact.shortfall == 0


def test_a_deadline_no_budget_can_meet_names_the_kecamatan_and_the_caps(palembang):
    # 50 working days: 8 sets with evenings (already served) take 8 x 190 x 50 = 76,000.
    plan = planner.plan(PlanRequest(palembang, START, working_day(50)))
    assert not plan.feasible
    expected = sorted(k.kode for k in palembang if k.remaining > 8 * 190 * 50)
    assert plan.impossible == expected
    for k in plan.kecamatan:
        if k.impossible:
            assert k.add_sets + next(p.sets for p in palembang if p.kode == k.kode) == Limits().max_sets
    # Larger offices (more space) make it possible.
    roomy = planner.plan(PlanRequest(palembang, START, working_day(50), limits=dataclasses.replace(Limits(), max_sets=16)))
    assert roomy.impossible == []


def test_evening_service_is_opened_where_it_is_cheaper_than_a_set():
    one = [KecamatanInput("72.71.01", "Palu Timur", 30_000, 0, 2, 1, 100)]
    # 100 working days: 20,000 now, 30,000 needed. An evening (+50%: 10,000) for Rp 50 juta
    # beats a set (+10,000) for Rp 150 juta.
    start = dt.date(2027, 1, 4)
    deadline = WorkingCalendar(start).nth(100)
    plan = planner.plan(PlanRequest(one, start, deadline, dinas_printers=5))
    (k,) = plan.kecamatan
    assert k.open_evening and k.add_sets == 0
    assert plan.cost == Costs().evening_per_day * 100
    dear = planner.plan(PlanRequest(one, start, deadline, dinas_printers=5, costs=Costs(evening_per_day=2_000_000)))
    assert not dear.kecamatan[0].open_evening and dear.kecamatan[0].add_sets == 1


def test_new_equipment_takes_its_lead_time():
    one = [KecamatanInput("72.71.01", "Palu Timur", 20_000, 0, 1, 1, 100)]
    start = dt.date(2027, 1, 4)
    deadline = WorkingCalendar(start).nth(100)
    costs = Costs(evening_per_day=10**9)
    quick = planner.plan(PlanRequest(one, start, deadline, costs=costs, dinas_printers=5))
    slow = planner.plan(PlanRequest(one, start, deadline, costs=costs, dinas_printers=5, limits=dataclasses.replace(Limits(), lead_days=50)))
    assert quick.kecamatan[0].add_sets == 1
    # 1 set for 50 days (5,000), then 1 + x sets for 50 days: x = 2 to reach 20,000.
    assert slow.kecamatan[0].add_sets == 2


def test_working_days_skip_weekends_and_national_holidays():
    calendar = WorkingCalendar(dt.date(2027, 1, 1))  # New Year's Day, a Friday
    assert calendar.nth(1) == dt.date(2027, 1, 4)
    assert calendar.nth(2) == dt.date(2027, 1, 6)  # Tuesday 5 January: Isra Mi'raj
    assert WorkingCalendar(dt.date(2027, 8, 16)).until(dt.date(2027, 8, 20)) == 4  # 17 August
    assert WorkingCalendar(dt.date(2027, 8, 23)).until(dt.date(2027, 8, 29)) == 5
    closed = WorkingCalendar(dt.date(2027, 8, 23), closed={dt.date(2027, 8, 24)})  # cuti bersama
    assert closed.until(dt.date(2027, 8, 27)) == 4


def test_a_kecamatan_without_a_set_never_finishes_now():
    rows = [KecamatanInput("72.71.07", "Tawaeli", 5_000, 0, 0, 0, 100)]
    plan = planner.plan(PlanRequest(rows, START, working_day(60), dinas_printers=2))
    assert plan.kecamatan[0].completion_date is None
    assert plan.kecamatan[0].add_sets == 1 and plan.feasible
    assert plan.as_json()["kecamatan"][0]["completion_date"] is None


def test_the_json_has_exactly_the_documented_keys(palembang):
    data = planner.plan(PlanRequest(palembang, START, working_day(150))).as_json()
    assert set(data) == {"feasible", "cost", "shortfall", "kecamatan"}
    assert [set(k) for k in data["kecamatan"]] == [{"kode", "completion_date", "add_sets", "add_printers", "evening", "new_completion_date"}] * 16
    assert isinstance(data["cost"], int) and isinstance(data["shortfall"], int)


def test_a_deadline_before_the_start_is_refused(palembang):
    with pytest.raises(planner.PlanningError, match="before the start"):
        planner.plan(PlanRequest(palembang, START, START - dt.timedelta(days=1)))


def test_a_budget_for_a_few_sets_sends_them_where_the_most_remain(palembang):
    # Room for four sets' worth of money (no printers bought: the cards come later).
    plan = planner.plan(PlanRequest(palembang, START, working_day(48), budget=4 * Costs().recording_set))
    assert not plan.feasible and plan.cost <= plan.budget
    given = {k.kode: k.add_sets for k in plan.kecamatan if k.add_sets}
    assert given == {ILIR_TIMUR_II: 4}
