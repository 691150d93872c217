"""Benchmark of the audit log's hash chain: appends per second with several writer processes,
and verification speed.

    .venv/bin/python bench/audit_chain.py                       # SQLite (a node), full size
    .venv/bin/python bench/audit_chain.py --quick               # under a minute
    .venv/bin/python bench/audit_chain.py --database-url postgres://postgres@127.0.0.1:5432/postgres

A throwaway database is created (SQLite file in a temporary directory, or a PostgreSQL database
dropped at the end) with SEED older entries. (a) WRITERS processes each write ENTRIES entries
through `audit.actions.record`, one transaction each, as audited requests do; every entry is
linked into the chain right after its commit. (b) The verification (`check_chain`, what
`adminduk audit verify` and the nightly task run) walks the whole chain.
Target: verification of a year of a kota's log (about 20 million entries) within the nightly
window of an hour, i.e. at least 6,000 entries/s; appends at least 200/s on SQLite.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import ROOT, add_database_argument, check_database_argument, throwaway_database  # noqa: E402

PYTHON = sys.executable
TARGET_VERIFY = 6000
TARGET_APPEND_SQLITE = 200


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
    import django

    django.setup()


def child(entries: int, writer: int) -> None:
    """One writer: one transaction per entry, as an audited request."""
    setup()
    from adminduk.audit.actions import record

    for i in range(entries):
        record(None, "view", object_type="resident", object_id=f"{writer}-{i}", kecamatan_code="72.71.08", details={"bench": i})


def seed(entries: int) -> None:
    """Older entries for the verification to walk: 1,000 per transaction."""
    setup()
    from django.db import transaction

    from adminduk.audit.actions import record

    for start in range(0, entries, 1000):
        with transaction.atomic():
            for i in range(start, min(entries, start + 1000)):
                record(None, "view", object_type="resident", object_id=f"seed-{i}", kecamatan_code="72.71.08", details={"seed": i})


def verify() -> None:
    setup()
    from adminduk.audit.actions import check_chain

    started = time.perf_counter()
    check = check_chain()
    print(f"{time.perf_counter() - started:.3f} {check.line()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_argument(parser)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--entries", type=int, default=5000, help="entries per writer")
    parser.add_argument("--seed", type=int, default=200_000, help="older entries written first, for the verification")
    parser.add_argument("--quick", action="store_true", help="2 writers × 500 entries, 10,000 older entries")
    parser.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--verify-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    if args.seed_child is not None:
        return seed(args.seed_child)
    if args.verify_child:
        return verify()
    if args.quick:
        args.writers, args.entries, args.seed = 2, 500, 10_000
    check_database_argument(parser, args.database_url)

    with throwaway_database(args.database_url, "adminduk-bench-audit-") as settings:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ADMINDUK_") and k != "DATABASE_URL"}
        run(args, env | settings | {"PYTHONPATH": str(ROOT / "src")}, "postgresql" if args.database_url else "sqlite")


def run(args, env: dict, engine: str) -> None:
    subprocess.run([PYTHON, "-m", "adminduk", "migrate", "-v0"], env=env, check=True)
    subprocess.run([PYTHON, __file__, "--seed-child", str(args.seed)], env=env, check=True)
    started = time.perf_counter()
    writers = [subprocess.Popen([PYTHON, __file__, "--child", str(args.entries), str(n)], env=env) for n in range(args.writers)]
    if any(w.wait() != 0 for w in writers):
        raise SystemExit("a writer failed")
    append_seconds = time.perf_counter() - started
    appended = args.writers * args.entries
    total = appended + args.seed
    result = subprocess.run([PYTHON, __file__, "--verify-child"], env=env, capture_output=True, text=True)
    seconds, _, line = result.stdout.strip().partition(" ")
    print(line)
    if result.returncode != 0 or not line.startswith(f"OK {total} entries"):
        raise SystemExit(f"verification failed: {result.stdout}{result.stderr}")
    verify_seconds = float(seconds)
    print(f"{engine}: {args.writers} writers × {args.entries} entries in {append_seconds:.1f} s; {total:,} entries verified in {verify_seconds:.1f} s")
    print(f"RESULT audit_append_rate_{engine}={appended / append_seconds:.0f} entries/s")
    print(f"RESULT audit_verify_rate_{engine}={total / verify_seconds:.0f} entries/s")

if __name__ == "__main__":
    main()
