"""Benchmark of the pull a kecamatan node makes: residents with their KK, on a generated kota.

    .venv/bin/python bench/pull.py                      # 1,000,000 residents, SQLite temp file
    .venv/bin/python bench/pull.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/pull.py --quick              # 40,000 residents, under a minute

The central's side of `GET /api/sync/changes` (sync.changes.build_changes) is timed directly
for the Mantikulore node (one of Kota Palu's 8 kecamatan):

(a) a fresh node's initial sync, page by page (1,000 residents a page, with their KK);
(b) a caught-up node's poll (nothing new): the recurring cost, every 15 s for each node;
(c) a node whose cursor predates KK in the pull catching up on every KK of its residents;
(d) 100 KK superseded (new KK issued) at the central, then the next poll.

Targets: a page of (a) under 1 s at the 95th percentile; the KK part of a caught-up poll (b)
under 50 ms at the 95th percentile. Residents and KK are paged through their (updated_at, id)
indexes (sync.keyset), and residents who moved out through the indexed FormerArea.
"""

import argparse
import base64
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import KOTA, load_kota, parse, percentile, setup_django, throwaway_database  # noqa: E402

OFFICE = "palu-mantikulore"
TARGET_PAGE_P95 = 1.0
TARGET_KK_POLL_P95 = 0.05


def p95(values: list[float]) -> float:
    return percentile(values, 0.95)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    args = parse(parser, argv, quick={"residents": 40_000}, quick_help="40,000 residents (under a minute)")
    if args.residents < 1000:
        parser.error("--residents must be at least 1000")
    with throwaway_database(args.database_url, "adminduk-bench-pull-", ADMINDUK_SYNC_CHANGE_LAG_SECONDS="0"):
        return run(args)


def run(args) -> int:
    setup_django()
    from django.db import connection

    from adminduk.accounts import stations
    from adminduk.accounts.models import Station
    from adminduk.offices.demo import create_demo_offices
    from adminduk.offices.models import Office
    from adminduk.population import actions
    from adminduk.population.generator import generate_population
    from adminduk.population.models import Family
    from adminduk.sync import changes, families

    started = time.perf_counter()
    load_kota()
    create_demo_offices(KOTA)
    generate_population(KOTA, args.residents, seed=2026)
    office = Office.objects.get(code=OFFICE)
    station = stations.register_station(office=office, name="node-bench", kind=Station.Kind.NODE, public_key=stations.generate_keypair().public_b64)
    print(f"database   {connection.vendor}; {args.residents:,} residents generated in {time.perf_counter() - started:.1f} s")

    kk_seconds = []  # time spent on the KK part of each build_changes call
    build_page = families.build_page

    def timed_build_page(*a, **kw):
        t = time.perf_counter()
        try:
            return build_page(*a, **kw)
        finally:
            kk_seconds.append(time.perf_counter() - t)

    families.build_page = timed_build_page

    # (a) initial sync
    cursor, digest, timings, sizes, residents, kk_rows_sent = "", "", [], [], 0, 0
    t0 = time.perf_counter()
    while True:
        t = time.perf_counter()
        page = changes.build_changes(station, since=cursor, master_digest=digest)
        timings.append(time.perf_counter() - t)
        sizes.append(len(json.dumps(page)))
        residents += len(page["residents"])
        kk_rows_sent += len(page["families"])
        cursor, digest = page["cursor"], page["master_digest"]
        if not page["more"]:
            break
    initial = time.perf_counter() - t0
    expected = Family.objects.filter(members__resident__kelurahan__kecamatan_id=office.kecamatan_id).distinct().count()
    print(f"(a) initial sync: {len(timings)} pages, {residents:,} residents, {kk_rows_sent:,} KK rows ({expected:,} KK of the kecamatan) "
          f"in {initial:.1f} s; page p50 {statistics.median(timings) * 1000:.0f} ms, p95 {p95(timings) * 1000:.0f} ms, "
          f"{sum(sizes) / max(residents, 1):,.0f} bytes per resident; the KK part {sum(kk_seconds) / initial:.0%} of the time")
    kk_seconds.clear()

    # (b) caught-up polls
    polls = []
    for _ in range(30):
        t = time.perf_counter()
        page = changes.build_changes(station, since=cursor, master_digest=digest)
        polls.append(time.perf_counter() - t)
        assert not page["residents"] and not page["families"], "a caught-up poll returned rows"
    kk_polls = list(kk_seconds)
    print(f"(b) caught-up poll: p50 {statistics.median(polls) * 1000:.1f} ms, p95 {p95(polls) * 1000:.1f} ms; "
          f"its KK part p50 {statistics.median(kk_polls) * 1000:.1f} ms, p95 {p95(kk_polls) * 1000:.1f} ms")

    # (c) a cursor from before KK travelled
    data = json.loads(base64.urlsafe_b64decode(cursor))
    old, kk_rows, pages = changes.encode_cursor(*data["r"]), 0, 0
    t0 = time.perf_counter()
    while True:
        page = changes.build_changes(station, since=old, master_digest=digest)
        kk_rows, pages, old = kk_rows + len(page["families"]), pages + 1, page["cursor"]
        if not page["more"]:
            break
    catch_up = time.perf_counter() - t0
    print(f"(c) KK catch-up for an older cursor: {kk_rows:,} KK in {pages} pages, {catch_up:.1f} s")

    # (d) 100 KK superseded, then the next poll
    olds = list(Family.objects.filter(kelurahan__kecamatan_id=office.kecamatan_id, status="active").prefetch_related("members__resident")[:100])
    for family in olds:
        members = [(m.resident, m.relationship) for m in family.members.all()]
        actions.issue_family_card(members, kelurahan=family.kelurahan, rw=family.rw, rt=family.rt, address=family.address,
                                  issued_on=dt.date(2026, 12, 1), supersedes=family)  # fmt: skip
    t = time.perf_counter()
    page = changes.build_changes(station, since=cursor, master_digest=digest)
    after_change = time.perf_counter() - t
    print(f"(d) after 100 KK superseded: {len(page['families'])} KK rows in the next poll, {after_change * 1000:.0f} ms")

    ok = p95(timings) < TARGET_PAGE_P95 and p95(kk_polls) < TARGET_KK_POLL_P95 and kk_rows_sent >= expected and len(page["families"]) == 200
    print(f"RESULT pull_page_p95={p95(timings) * 1000:.0f} ms")
    print(f"RESULT pull_poll_p95={p95(polls) * 1000:.1f} ms")
    print(f"RESULT pull_poll_kk_p95={p95(kk_polls) * 1000:.1f} ms")
    print(f"RESULT pull_initial_seconds={initial:.1f} s")
    print(f"RESULT pull_kk_catch_up_seconds={catch_up:.1f} s")
    print("target     " + ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
