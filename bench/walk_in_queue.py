"""Benchmark of the office queue under a busy day: desk processes issuing tickets while counter
processes call them, all at once, each operation its own transaction (as a request is).

    .venv/bin/python bench/walk_in_queue.py                 # SQLite (a node's database), full size
    .venv/bin/python bench/walk_in_queue.py --quick         # under a minute
    .venv/bin/python bench/walk_in_queue.py --database-url postgres://postgres@127.0.0.1:5432/postgres

Full size: 4 desks issue 250 tickets each (1,000: more than Kota Palembang's busiest kecamatan
takes in a day, about 380 recordings plus pickups and KK/akta) over the three services, while
6 counters call the next ticket until the queue is empty. Prints issue and call latency
(p50/p95), throughput, and the invariants checked afterwards: duplicate numbers and tickets
called by two counters (both must be 0). Target: p95 under 100 ms for both on SQLite.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
OFFICE = "bench-office"
TARGET_P95_MS = 100


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
    import django

    django.setup()


def prepare(counters: int) -> None:
    setup()
    from adminduk.offices import actions as office_actions
    from adminduk.queueing import actions
    from adminduk.queueing.choices import Service
    from adminduk.regions import codes, services
    from adminduk.regions.models import Kecamatan

    rows = [r for r in codes.shipped_region_rows() if r.code in ("72", "72.71") or r.code.startswith("72.71.")]
    services.load_regions(rows, villages_under="72.71")
    kecamatan = Kecamatan.objects.get(code="72.71.08")
    office = office_actions.create_office(code=OFFICE, name="Kantor Camat Uji", kind="kecamatan", regency=kecamatan.regency, kecamatan=kecamatan)
    for n in range(1, counters + 1):
        actions.add_counter(office, f"Loket {n}", list(Service.values))


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, int(round(share * len(ordered) + 0.5)) - 1)] if ordered else 0.0


def issuer(count: int, seed: int) -> None:
    setup()
    import random

    from adminduk.offices.models import Office
    from adminduk.queueing import actions
    from adminduk.queueing.choices import Priority, Service

    office = Office.objects.get(code=OFFICE)
    rng = random.Random(seed)
    latencies = []
    for _ in range(count):
        service = rng.choices(list(Service.values), weights=[6, 3, 2])[0]
        priority = Priority.LANSIA if rng.random() < 0.1 else Priority.UMUM
        started = time.perf_counter()
        actions.issue_ticket(office, service, priority)
        latencies.append(time.perf_counter() - started)
    print(json.dumps({"issue": latencies}))


def caller(counter_name: str, done_flag: str) -> None:
    setup()
    from adminduk.queueing import actions
    from adminduk.queueing.models import Counter

    counter = Counter.objects.get(office__code=OFFICE, name=counter_name)
    latencies, empty = [], 0
    while True:
        started = time.perf_counter()
        try:
            actions.call_next(counter)
        except actions.QueueError:
            if Path(done_flag).exists():
                empty += 1
                if empty >= 3:
                    break
            time.sleep(0.2)  # a counter with nobody waiting looks again a moment later
            continue
        latencies.append(time.perf_counter() - started)
        empty = 0
    print(json.dumps({"call": latencies}))


def check() -> None:
    setup()
    from django.db.models import Count

    from adminduk.queueing.models import Ticket

    duplicates = Ticket.objects.values("service", "day", "number").annotate(n=Count("id")).filter(n__gt=1).count()
    called_twice = Ticket.objects.filter(call_count__gt=1).count()
    print(json.dumps({"tickets": Ticket.objects.count(), "waiting": Ticket.objects.filter(status="waiting").count(),
                      "duplicates": duplicates, "called_twice": called_twice}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server URL (a throwaway database is made there); default SQLite")
    parser.add_argument("--desks", type=int, default=4)
    parser.add_argument("--tickets", type=int, default=250, help="tickets per desk")
    parser.add_argument("--counters", type=int, default=6)
    parser.add_argument("--quick", action="store_true", help="2 desks x 60 tickets, 3 counters")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        return {"prepare": lambda: prepare(int(rest[0])), "issue": lambda: issuer(int(rest[0]), int(rest[1])),
                "call": lambda: caller(rest[0], rest[1]), "check": check}[kind]()
    if args.quick:
        args.desks, args.tickets, args.counters = 2, 60, 3

    data_dir = Path(tempfile.mkdtemp(prefix="adminduk-bench-queue-"))
    database_url, drop = f"sqlite:///{data_dir / 'bench.sqlite3'}", None
    if args.database_url:
        name = f"adminduk_bench_queue_{uuid.uuid4().hex[:8]}"
        database_url = urlunsplit(urlsplit(args.database_url)._replace(path=f"/{name}"))
        import psycopg

        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        drop = (args.database_url, name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADMINDUK_") and k != "DATABASE_URL"}
    env |= {"ADMINDUK_MODE": "test", "ADMINDUK_DATA_DIR": str(data_dir), "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT / "src")}
    me = [PYTHON, __file__, "--child"]
    done_flag = data_dir / "issuers-done"
    try:
        subprocess.run([PYTHON, "-m", "adminduk", "migrate", "-v0"], env=env, check=True)
        subprocess.run([*me, "prepare", str(args.counters)], env=env, check=True)
        started = time.perf_counter()
        callers = [subprocess.Popen([*me, "call", f"Loket {n}", str(done_flag)], env=env, stdout=subprocess.PIPE, text=True)
                   for n in range(1, args.counters + 1)]
        issuers = [subprocess.Popen([*me, "issue", str(args.tickets), str(n)], env=env, stdout=subprocess.PIPE, text=True)
                   for n in range(args.desks)]
        issue, call = [], []
        for process in issuers:
            out, _ = process.communicate()
            if process.returncode:
                raise SystemExit("a desk failed")
            issue += json.loads(out.strip().splitlines()[-1])["issue"]
        done_flag.touch()
        for process in callers:
            out, _ = process.communicate()
            if process.returncode:
                raise SystemExit("a counter failed")
            call += json.loads(out.strip().splitlines()[-1])["call"]
        seconds = time.perf_counter() - started
        result = json.loads(subprocess.run([*me, "check"], env=env, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
        engine = "postgresql" if drop else "sqlite"
        ms = lambda values, share: 1000 * percentile(values, share)  # noqa: E731
        print(f"{engine}: {args.desks} desks x {args.tickets} tickets, {args.counters} counters, {seconds:.1f} s; "
              f"{result['tickets']} tickets, {len(call)} calls, {result['waiting']} left waiting")
        print(f"issue p50 {ms(issue, 0.5):.1f} ms, p95 {ms(issue, 0.95):.1f} ms; call p50 {ms(call, 0.5):.1f} ms, p95 {ms(call, 0.95):.1f} ms"
              f" (target p95 under {TARGET_P95_MS} ms); mean issue {1000 * statistics.mean(issue):.1f} ms")
        print(f"RESULT queue_issue_p95_{engine}={ms(issue, 0.95):.1f} ms")
        print(f"RESULT queue_call_p95_{engine}={ms(call, 0.95):.1f} ms")
        print(f"RESULT queue_tickets_per_second_{engine}={result['tickets'] / seconds:.1f} tickets/s")
        print(f"RESULT queue_duplicate_numbers_{engine}={result['duplicates']} tickets")
        print(f"RESULT queue_called_twice_{engine}={result['called_twice']} tickets")
        if result["duplicates"] or result["called_twice"] or len(call) != result["tickets"]:
            raise SystemExit("invariant broken: see the figures above")
    finally:
        if drop:
            import psycopg

            with psycopg.connect(drop[0], autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {drop[1]} WITH (FORCE)")


if __name__ == "__main__":
    main()
