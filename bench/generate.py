"""Benchmark of the population generator on a fresh throwaway database.

    .venv/bin/python bench/generate.py --residents 1000000
    .venv/bin/python bench/generate.py --residents 1000000 --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/generate.py --quick             # 100,000 residents

SQLite: a file in a temporary directory. PostgreSQL: the URL names a server and a database to
connect to while a throwaway database is created (and dropped at the end). Either way the
script migrates, loads the regions of Kota Palu, generates the residents and prints residents
per second, wall time and peak memory (this process and its worker).

Target on a 2-core machine: 1,000,000 residents in under 60 s, peak memory under 2 GB.
"""

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import KOTA, load_kota, parse, setup_django, throwaway_database  # noqa: E402

TARGET_SECONDS = 60
TARGET_BYTES = 2 * 1024**3


def _peak_bytes(who: int) -> int:
    return resource.getrusage(who).ru_maxrss * 1024  # Linux reports KiB


def _mib(n: int) -> str:
    return f"{n / 1024**2:,.0f} MiB"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parse(parser, argv, quick={"residents": 100_000}, quick_help="100,000 residents")
    if args.residents < 1:
        parser.error("--residents must be at least 1")
    with throwaway_database(args.database_url, "adminduk-bench-"):
        return run(args)


def run(args) -> int:
    setup_django()
    from django.db import connection

    from adminduk.population.generator import generate_population
    from adminduk.population.models import Family, Resident

    started = time.perf_counter()
    load_kota()
    print(f"database   {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"set-up     migrate + regions of Kota Palu in {time.perf_counter() - started:.1f} s")

    def progress(done, total):
        print(f"  {done:>10,} / {total:,} residents  {time.perf_counter() - t0:6.1f} s", flush=True)

    t0 = time.perf_counter()
    result = generate_population(KOTA, args.residents, seed=args.seed, progress=progress)
    wall = time.perf_counter() - t0

    stored = Resident.objects.count()
    if stored != args.residents or Family.objects.count() != result.families:
        print(f"MISMATCH: {stored:,} residents stored", file=sys.stderr)
        return 1
    peak_self, peak_children = _peak_bytes(resource.RUSAGE_SELF), _peak_bytes(resource.RUSAGE_CHILDREN)
    print(f"residents  {result.residents:,} in {result.families:,} families")
    print(f"speed      {result.residents / wall:,.0f} residents/s")
    print(f"wall time  {wall:.1f} s (target < {TARGET_SECONDS} s per million)")
    print(f"peak RSS   {_mib(peak_self)} main process, {_mib(peak_children)} worker process")
    per_million = wall * 1_000_000 / args.residents
    ok = per_million < TARGET_SECONDS and peak_self + peak_children < TARGET_BYTES
    print("target     " + ("met" if ok else "NOT met"))
    print(f"RESULT {connection.vendor}_generate_seconds_per_million={per_million:.1f} s")
    print(f"RESULT {connection.vendor}_generate_peak_memory={(peak_self + peak_children) / 1024**2:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
