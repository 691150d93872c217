"""Benchmark of the resident's data tracker page (/portal/privasi/) for a resident with 10,000
audit entries about them, in a log that also holds everybody else's entries.

    .venv/bin/python bench/tracker.py                       # SQLite, 10,000 entries + 100,000 others
    .venv/bin/python bench/tracker.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/tracker.py --quick               # 10,000 entries + 30,000 others, under a minute

Makes a throwaway database, generates residents of Kota Palu, picks one with a phone and a KK
and writes ENTRIES audit entries about them spread over the last six months (staff reads of the
record and of the KK with offices, roles and purposes; name searches whose results showed them
among 19 others (audit mentions, a fifth of the entries); the resident's own portal reads;
automatic jobs), plus OTHERS entries about other residents, all linked into the hash chain. The
resident signs in through the portal (NIK, code from the message outbox) and opens the tracker
page REQUESTS times through Django's test client (the whole request: session, query, template,
its own audit entry). Prints p50/p95 and the RESULT lines. Target: p95 < 200 ms.
"""

import argparse
import datetime as dt
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import KOTA, load_kota, parse, percentile, setup_django, throwaway_database  # noqa: E402

TARGET_MS = 200.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000, help="audit entries about the resident")
    parser.add_argument("--others", type=int, default=100_000, help="audit entries about other residents")
    parser.add_argument("--residents", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="profile the requests (CPU time) and print the costliest functions")
    args = parse(parser, argv, quick={"others": 30_000, "residents": 1_000, "requests": 60}, quick_help="30,000 other entries, 60 requests")
    if args.entries < 1 or args.others < 0 or args.requests < 1 or args.residents < 100:
        parser.error("--entries and --requests must be at least 1, --others at least 0, --residents at least 100")
    with throwaway_database(args.database_url, "adminduk-bench-tracker-"):
        return run(args)


def seed(resident, kk: str, others: list, args, rng: random.Random) -> None:
    from django.db import transaction

    from adminduk.accounts.models import User
    from adminduk.audit import chain
    from adminduk.audit.models import AuditEntry, AuditMention
    from adminduk.offices.models import Office

    offices = list(Office.objects.all())
    staff = [("kecamatan_operator", "op"), ("supervisor", "spv"), ("verifier", "ver"), ("print_operator", "prn")]
    purposes = ["recording", "pickup", "application", "correction", "complaint", None]
    now = dt.datetime.now(dt.UTC)
    own = f"warga-{resident.nik}"
    portal_user = User.objects.get(username=own)

    def entry(nik, kk_number, at, kind):
        if kind == "own":
            return AuditEntry(at=at, actor=portal_user, actor_username=own, actor_role="resident", action="view", object_type="resident",
                              object_id=nik, kecamatan_code=KOTA + ".08", subject_nik=nik, details={"portal": "own data"})
        if kind == "system":
            return AuditEntry(at=at, action="update", object_type="resident", object_id=nik, subject_nik=nik, purpose="system")
        if kind == "search":  # a name search whose results showed `nik` among 19 others
            role, name = rng.choice(staff)
            shown = [nik] + [r.nik for r in rng.sample(others, 20) if r.nik != nik][:19]
            rng.shuffle(shown)
            return AuditEntry(at=at, actor_username=f"{name}.x", actor_role=role, office=rng.choice(offices), action="search",
                              object_type="resident", object_id="santoso", kecamatan_code=KOTA + ".08", purpose=rng.choice(purposes),
                              details={"by": "name", "name": "santoso", "birth": "", "more": False, "mentions": shown})
        role, name = rng.choice(staff)
        office = rng.choice(offices)
        on_kk = kk_number and rng.random() < 0.3
        return AuditEntry(at=at, actor_username=f"{name}.{office.code}", actor_role=role, office=office, action=rng.choice(["view", "view", "search", "update"]),
                          object_type="family" if on_kk else "resident", object_id=kk_number if on_kk else nik, kecamatan_code=KOTA + ".08",
                          subject_nik=None if on_kk else nik, subject_kk=kk_number if on_kk else None, purpose=rng.choice(purposes))

    def when():
        return now - dt.timedelta(seconds=rng.randrange(1, 183 * 86400))

    batch = []
    for i in range(args.entries):
        kind = "own" if i % 10 == 0 else "system" if i % 10 == 1 else "search" if i % 10 in (2, 3) else "staff"
        batch.append(entry(resident.nik, kk, when(), kind))
    for i in range(args.others):
        other = others[i % len(others)]
        batch.append(entry(other.nik, "", when(), "system" if i % 3 == 0 else "search" if i % 6 == 1 else "staff"))
    rng.shuffle(batch)
    for start in range(0, len(batch), 5000):
        with transaction.atomic():
            created = AuditEntry.objects.bulk_create(batch[start : start + 5000])
            AuditMention.objects.bulk_create(
                [AuditMention(entry=e, nik=n, at=e.at) for e in created for n in e.details.get("mentions", [])], batch_size=5000
            )
    chain.link_pending(batch=5000)
    from django.db import connection

    with connection.cursor() as cursor:  # as autovacuum would after a day's writes
        cursor.execute("ANALYZE")


def run(args) -> int:
    setup_django()
    from django.db import connection
    from django.test import Client

    from adminduk.messaging.backends import read_outbox
    from adminduk.offices.demo import create_demo_offices
    from adminduk.population.generator import generate_population
    from adminduk.population.models import Resident
    from adminduk.portal.accounts import resident_account

    rng = random.Random(2026)
    load_kota()
    create_demo_offices(KOTA)
    generate_population(KOTA, args.residents, seed=2026)
    resident = next(
        r for r in Resident.objects.exclude(phone="").filter(life_status="hidup").order_by("nik")
        if r.current_membership is not None
    )
    resident_account(resident)
    kk = resident.current_membership.family.kk_number
    others = list(Resident.objects.exclude(pk=resident.pk).order_by("?")[:2000])
    started = time.perf_counter()
    seed(resident, kk, others, args, rng)
    print(f"{connection.vendor}: seeded {args.entries:,} entries about {resident.nik} and {args.others:,} about others in {time.perf_counter() - started:.1f} s")

    client = Client()
    client.post("/portal/", {"nik": resident.nik})
    code = re.search(r"\b(\d{6})\b", read_outbox(phone=resident.phone, kind="portal_code")[-1]["text"]).group(1)
    if client.post("/portal/kode/", {"nik": resident.nik, "code": code}).status_code != 302:
        raise SystemExit("portal sign-in failed")
    timings, cpu, shown = [], [], 0
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
    for i in range(args.requests + 3):
        if profiler is not None and i == 3:
            profiler.enable()
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get("/portal/privasi/")
        elapsed, used = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
        if response.status_code != 200:
            raise SystemExit(f"tracker page answered {response.status_code}")
        if i >= 3:  # the first requests warm caches
            timings.append(elapsed)
            cpu.append(used)
        shown = response.content.decode().count('class="request tracker-line"')
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
    print(f"{connection.vendor}: tracker page, {args.requests} requests, {shown} staff entries on the first page: p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p95 < {TARGET_MS:.0f} ms)")
    # CPU time of this process per request (Django, template, the SQLite engine; not PostgreSQL's
    # server process): on a shared machine it moves less than wall time.
    print(f"{connection.vendor}: CPU of this process per request: p50 {percentile(cpu, 0.5):.1f} ms, p95 {percentile(cpu, 0.95):.1f} ms")
    print(f"RESULT tracker_page_p50_{connection.vendor}={p50:.1f} ms")
    print(f"RESULT tracker_page_p95_{connection.vendor}={p95:.1f} ms")
    return 0 if p95 < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
