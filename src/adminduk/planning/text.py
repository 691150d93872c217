"""Numbers and plans as text for the `plan` command (and rupiah amounts for the page)."""

import datetime as dt
import re

from .model import Plan


class ValueProblem(ValueError):
    pass


def parse_rupiah(text: str, what: str = "amount") -> int:
    """'2000000000', '2.000.000.000', 'Rp 2.000.000.000' or '2_000_000_000' -> 2000000000."""
    cleaned = re.sub(r"^rp\.?\s*", "", (text or "").strip().lower()).replace(".", "").replace("_", "").replace(",", "")
    if cleaned.startswith("-") and cleaned[1:].isdigit():
        raise ValueProblem(f"{what}: {text} is negative")
    if not cleaned.isdigit():
        raise ValueProblem(f"{what}: {text!r} is not an amount in rupiah (e.g. 2000000000 or 2.000.000.000)")
    value = int(cleaned)
    if value > 10**16:
        raise ValueProblem(f"{what}: {text} is too large")
    return value


def parse_date(text: str, what: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", (text or "").strip()):
        raise ValueProblem(f"{what}: {text!r} is not a date like 2027-06-30 (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueProblem(f"{what}: {text} is not a real date") from None


def rupiah(amount: int) -> str:
    return "Rp " + f"{int(amount):,}".replace(",", ".")


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else "never"


def plan_lines(plan: Plan) -> list[str]:
    header = f"{'kode':<9} {'nama':<22} {'remaining':>9} {'per day':>7} {'now done':>10} {'+sets':>5} {'+printers':>9} {'evening':>7} {'new done':>10} {'blangko':>8}"
    lines = [
        f"From {plan.start} to the deadline {plan.deadline}: {plan.working_days} working days "
        "(weekends and national holidays excluded).",
        header,
        "-" * len(header),
    ]
    for k in plan.kecamatan:
        evening = "open" if k.open_evening else ("yes" if k.evening else "no")
        mark = "" if k.meets_deadline else "  LATE" + (" (caps)" if k.impossible else "")
        lines.append(
            f"{k.kode:<9} {k.nama[:22]:<22} {k.remaining:>9} {k.daily_capacity:>7.0f} {_day(k.completion_date):>10} "
            f"{k.add_sets:>5} {k.add_printers:>9} {evening:>7} {_day(k.new_completion_date):>10} {k.blangko_needed:>8}{mark}"
        )
    if plan.add_dinas_printers or plan.dinas_blangko_needed:
        lines.append(f"{'Dinas':<9} {'(cards of every kecamatan)':<22} {'':>9} {'':>7} {'':>10} {0:>5} {plan.add_dinas_printers:>9} {'':>7} {'':>10} {plan.dinas_blangko_needed:>8}")
    lines.append("")
    if plan.pooled_working_days is not None:
        lines.append(f"At the current rate all kecamatan together need {plan.pooled_working_days:.0f} working days; "
                     f"the last kecamatan finishes on {_day(plan.current_completion_date)}.")
    lines.append(f"Under the plan the last kecamatan finishes on {_day(plan.new_completion_date)}.")
    lines.append(f"Cost of the plan: {rupiah(plan.cost)}" + (f" of a budget of {rupiah(plan.budget)}" if plan.budget is not None else "") + ".")
    late = sum(k.cards_late for k in plan.kecamatan)
    if plan.feasible:
        lines.append("The deadline is met." + (f" {late} cards cannot be printed by then (printers capped)." if late else ""))
    else:
        if plan.shortfall:
            lines.append(
                f"The deadline cannot be met within the budget: {rupiah(plan.shortfall)} short; "
                f"the budget would need to be {rupiah(plan.required_budget)}."
            )
        if plan.impossible:
            lines.append(
                f"Cannot meet the deadline at any budget with at most {plan.limits.max_sets} recording sets per office "
                f"(space) and evening service: {', '.join(plan.impossible)}."
            )
        if late:
            lines.append(f"{late} cards cannot be printed by the deadline.")
    lines.append(
        f"Assumed: a recording set {rupiah(plan.costs.recording_set)}, a printer {rupiah(plan.costs.printer)}, "
        f"an evening shift {rupiah(plan.costs.evening_for(plan.working_days))} per office for the period; "
        f"evenings add {plan.limits.evening_share:.0%} of a day per set; a printer {plan.limits.cards_per_printer_per_day} cards a day; "
        f"at most {plan.limits.max_printers} printers per office and {plan.limits.max_dinas_printers} at the Dinas; "
        f"blangko include {plan.limits.spoilage:.0%} spoilage."
    )
    lines.append(f"Solved by HiGHS in {plan.solve_seconds:.2f} s (MIP gap {plan.mip_gap:.2%}).")
    return lines
