"""Benchmark of the planner (planning.planner, HiGHS) on the national list of kecamatan.

    .venv/bin/python bench/planner.py            # all 7,285 kecamatan of Kepmendagri 2025
    .venv/bin/python bench/planner.py --quick    # the first 500

Synthetic figures per kecamatan (seeded, never real data): wajib KTP around the national mean
(199 million / 7,285, lognormal), 50-99% recorded, 1-4 recording sets at 60-140 recordings a
set a day, 0-2 printers, a fifth already serving evenings; the Dinas with 4 printers; the
deadline 120 working days out. Two runs: at least cost (no budget), and with a budget of
two thirds of that cost (the shortfall path: four solves). Prints each run's solve time, the
solver's MIP gap of the plan, the cost and how many kecamatan cannot make it at any budget.
Target: each run under 60 s. Needs no database.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60


def setup() -> None:
    # The planner needs no database; Django is configured only for the holiday helper.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
    os.environ.setdefault("ADMINDUK_MODE", "demo")
    os.environ.setdefault("ADMINDUK_DATA_DIR", tempfile.mkdtemp(prefix="adminduk-bench-planner-"))
    os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def synthetic_kecamatan(limit: int | None, seed: int = 14):
    from adminduk.planning.model import KecamatanInput
    from adminduk.regions import codes

    rng = random.Random(seed)
    rows = [r for r in codes.shipped_region_rows() if r.code.count(".") == 2]
    if limit:
        rows = rows[:limit]
    found = []
    for row in rows:
        wajib = max(500, int(rng.lognormvariate(10.0, 0.6)))
        recorded = int(wajib * rng.uniform(0.5, 0.99))
        found.append(
            KecamatanInput(
                kode=row.code,
                nama=row.name,
                wajib_ktp=wajib,
                recorded=recorded,
                sets=rng.randint(1, 4),
                printers=rng.choice([0, 0, 1, 1, 2]),
                per_set_per_day=float(rng.randint(60, 140)),
                evening=rng.random() < 0.2,
            )
        )
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 kecamatan instead of the whole national list")
    parser.add_argument("--kecamatan", type=int, default=0, help="plan the first N kecamatan only")
    args = parser.parse_args(argv)
    setup()
    from adminduk.planning import planner
    from adminduk.planning.calendar import WorkingCalendar
    from adminduk.planning.model import PlanRequest

    limit = 500 if args.quick else (args.kecamatan or None)
    started = time.perf_counter()
    kecamatan = synthetic_kecamatan(limit)
    import datetime as dt

    start = dt.date(2027, 1, 4)
    deadline = WorkingCalendar(start).nth(120)
    print(f"{len(kecamatan)} kecamatan, {sum(k.remaining for k in kecamatan):,} wajib KTP not yet recorded, "
          f"deadline {deadline} (120 working days); figures made in {time.perf_counter() - started:.1f} s")
    failures = 0
    results = {}
    budget = None
    for name in ("least_cost", "budget"):
        request = PlanRequest(kecamatan, start, deadline, budget=budget, dinas_printers=4)
        began = time.perf_counter()
        plan = planner.plan(request, time_limit=TARGET_SECONDS)
        seconds = time.perf_counter() - began
        results[name] = (plan, seconds)
        print(
            f"{name:>10}: {seconds:6.1f} s total, {plan.solve_seconds:6.1f} s in HiGHS, MIP gap {plan.mip_gap:.4%}, "
            f"cost Rp {plan.cost:,}, shortfall Rp {plan.shortfall:,}, sets +{sum(k.add_sets for k in plan.kecamatan)}, "
            f"printers +{sum(k.add_printers for k in plan.kecamatan) + plan.add_dinas_printers}, "
            f"evenings opened {sum(k.open_evening for k in plan.kecamatan)}, impossible at any budget {len(plan.impossible)}"
        )
        failures += seconds >= TARGET_SECONDS
        budget = plan.required_budget * 2 // 3
    n = len(kecamatan)
    for name, (plan, seconds) in results.items():
        print(f"RESULT planner_{name}_seconds_{n}={seconds:.2f} s")
        print(f"RESULT planner_{name}_mip_gap_{n}={plan.mip_gap * 100:.4f} %")
    print(f"target: under {TARGET_SECONDS} s each: {'met' if not failures else 'NOT met'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
