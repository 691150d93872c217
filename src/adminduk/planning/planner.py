"""The planner: where to add recording sets and printers, where to open evenings and how many
blangko each office needs, to record every wajib KTP by the deadline at least cost.

plan(request) runs the program of solver.py in up to two solves:
1. what no budget can do is worked out in closed form: a kecamatan whose wajib KTP exceed what
   every set its office has room for can record by the deadline, evenings included, cannot make
   it at any budget (it is named, and gets the most the caps allow);
2. least cost of everything else: the budget the deadline needs (`required_budget`);
3. when the budget is smaller: fewest recordings left undone within the budget, then fewest
   cards late, then cheapest; the shortfall is required_budget - budget.
Completion dates are computed from the chosen integers, not from the solver's objective."""

import datetime as dt
import math
import time

from django.utils.translation import gettext as _

from .calendar import WorkingCalendar
from .model import KecamatanInput, KecamatanPlan, Plan, PlanRequest
from .solver import Program, Solution, SolverFailed

TOLERANCE = 0.5  # recordings: the solver's rounding, never a resident


class PlanningError(ValueError):
    pass


def check_request(request: PlanRequest) -> None:
    if request.deadline < request.start:
        raise PlanningError(_("The deadline %(deadline)s is before the start %(start)s.") % {"deadline": f"{request.deadline:%d-%m-%Y}", "start": f"{request.start:%d-%m-%Y}"})
    if request.budget is not None and request.budget < 0:
        raise PlanningError(_("The budget cannot be negative."))
    if not request.kecamatan:
        raise PlanningError(_("There is no kecamatan to plan for."))


def plan(request: PlanRequest, *, time_limit: float = 50.0) -> Plan:
    check_request(request)
    calendar = WorkingCalendar(request.start, request.closed_days)
    days = calendar.until(request.deadline)
    if days == 0:
        raise PlanningError(
            _("There is no working day from %(start)s to %(deadline)s.") % {"start": f"{request.start:%d-%m-%Y}", "deadline": f"{request.deadline:%d-%m-%Y}"}
        )
    program = Program(request, days, time_limit=time_limit)
    until = time.monotonic() + time_limit
    seconds = 0.0

    def run(*args, **kwargs) -> Solution | None:
        nonlocal seconds
        found = program.solve(*args, time_limit=until - time.monotonic(), **kwargs)
        if found is not None:
            seconds += found.seconds
        return found

    tolerance = TOLERANCE * max(1, len(request.kecamatan) / 100)
    # 1. What no budget can do (closed form), 2. the least cost of everything else.
    undone, late = program.least_undone, program.least_late
    cheapest = run("cost", max_undone=float(undone.sum()) + tolerance, max_late=late + tolerance)
    if cheapest is None:
        raise SolverFailed(_("The solver (HiGHS) found no plan even at unlimited cost."))
    required = _cost(request, days, cheapest)
    chosen, shortfall = cheapest, 0
    if request.budget is not None and required > request.budget:
        # 3. Within the budget: fewest recordings left undone, then fewest cards late, then
        # cheapest (one objective with weights far apart).
        shortfall = required - request.budget
        chosen = run("undone", budget=request.budget)
        if chosen is None:
            raise SolverFailed(_("The solver (HiGHS) found no plan within the budget."))
    impossible_mask = undone > TOLERANCE
    return _result(request, calendar, days, chosen, impossible_mask, required, shortfall, seconds, chosen.mip_gap)


def _cost(request: PlanRequest, days: int, solution: Solution) -> int:
    costs = request.costs
    opened = sum(1 for k, v in zip(request.kecamatan, solution.evening) if v and not k.evening)
    return (
        int(solution.add_sets.sum()) * costs.recording_set
        + (int(solution.add_printers.sum()) + solution.add_dinas_printers) * costs.printer
        + opened * costs.evening_for(days)
    )


def day_rate(k: KecamatanInput, evening_share: float) -> float:
    """Recordings one set takes at day hours only."""
    return k.per_set_per_day / (1 + evening_share) if k.evening else k.per_set_per_day


def completion_day(remaining: int, before: float, after: float, lead_days: int) -> int | None:
    """The working day (1 = the first) the last recording is done: `before` recordings a day
    until new equipment arrives after `lead_days`, `after` a day from then; None: never."""
    if remaining <= 0:
        return 0
    if lead_days > 0 and before > 0 and remaining <= before * lead_days:
        return math.ceil(remaining / before - 1e-9)
    done_before = before * lead_days
    if after <= 0:
        return None
    return lead_days + math.ceil((remaining - done_before) / after - 1e-9)


def _result(request, calendar, days, chosen, impossible_mask, required, shortfall, seconds, gap) -> Plan:
    limits, costs = request.limits, request.costs
    f = limits.evening_share
    rows = []
    for i, k in enumerate(request.kecamatan):
        rate = day_rate(k, f)
        now = rate * k.sets * (1 + f * k.evening)
        evening = bool(chosen.evening[i]) or k.evening
        x, y = int(chosen.add_sets[i]), int(chosen.add_printers[i])
        before = rate * k.sets * (1 + f * evening)
        after = rate * (k.sets + x) * (1 + f * evening)
        current_day = completion_day(k.remaining, now, now, 0)
        new_day = completion_day(k.remaining, before, after, limits.lead_days if x else 0)
        recorded = max(0, int(round(k.remaining - float(chosen.undone[i]))))
        late = min(recorded, int(round(chosen.cards_late[i])))
        at_dinas = min(int(round(chosen.at_dinas[i])), recorded - late)
        here = recorded - late - at_dinas
        stock = request.blangko_stock.get(k.kode, 0)
        opened = evening and not k.evening
        rows.append(
            KecamatanPlan(
                kode=k.kode,
                nama=k.nama,
                remaining=k.remaining,
                daily_capacity=now,
                completion_date=calendar.nth(current_day) if current_day is not None else None,
                add_sets=x,
                add_printers=y,
                evening=evening,
                open_evening=opened,
                new_daily_capacity=after,
                new_completion_date=calendar.nth(new_day) if new_day is not None else None,
                meets_deadline=new_day is not None and new_day <= days,
                cards_here=here,
                cards_at_dinas=at_dinas,
                cards_late=late,
                blangko_needed=max(0, math.ceil(here * (1 + limits.spoilage)) - stock) if here else 0,
                cost=x * costs.recording_set + y * costs.printer + (costs.evening_for(days) if opened else 0),
                impossible=bool(impossible_mask[i]),
            )
        )
    cost = sum(r.cost for r in rows) + chosen.add_dinas_printers * costs.printer
    dinas_cards = sum(r.cards_at_dinas for r in rows)
    total_remaining = sum(k.remaining for k in request.kecamatan)
    total_rate = sum(r.daily_capacity for r in rows)
    return Plan(
        feasible=all(r.meets_deadline for r in rows),
        cost=cost,
        shortfall=shortfall,
        required_budget=required,
        budget=request.budget,
        start=request.start,
        deadline=request.deadline,
        working_days=days,
        kecamatan=rows,
        add_dinas_printers=chosen.add_dinas_printers,
        dinas_blangko_needed=max(0, math.ceil(dinas_cards * (1 + limits.spoilage)) - request.blangko_stock.get("dinas", 0))
        if dinas_cards
        else 0,
        impossible=[r.kode for r in rows if r.impossible],
        limits=limits,
        costs=costs,
        solve_seconds=seconds,
        mip_gap=gap,
        current_completion_date=_last([r.completion_date for r in rows], any(r.remaining and r.completion_date is None for r in rows)),
        new_completion_date=_last([r.new_completion_date for r in rows], any(r.remaining and r.new_completion_date is None for r in rows)),
        pooled_working_days=(total_remaining / total_rate) if total_rate else None,
    )


def _last(dates: list[dt.date | None], never: bool) -> dt.date | None:
    if never:
        return None
    known = [d for d in dates if d is not None]
    return max(known) if known else None


