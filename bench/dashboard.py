"""Benchmark of the dashboard on a national-size registry, beside the naive GROUP BY.

    .venv/bin/python bench/dashboard.py                          # 10,000,000 residents
    .venv/bin/python bench/dashboard.py --quick                  # 200,000 residents, under a minute
    .venv/bin/python bench/dashboard.py --database-url postgres://postgres@127.0.0.1:5432/postgres

PostgreSQL only (the default URL is $DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres):
a throwaway database is created and dropped. The residents of Kota Palu's 46 kelurahan are loaded
with INSERT ... SELECT generate_series (a million rows a statement; the name search's triggers
and GIN index, which the dashboard does not use, are left out), about 3 % of them with an
e-KTP request at every stage and a journal entry for each recording over the last 30 days. Then
`reports.summary.rebuild` builds the summary tables (timed), and a Dinas supervisor opens the
dashboard page through Django's test client (`--runs` times: the whole page, every table, the
kota-wide view and one kecamatan) while the naive alternative — coverage per kelurahan as one
GROUP BY over the residents joined to their requests — runs `--naive-runs` times on the same data.
Prints p50/p95 of both and the RESULT lines. Target: dashboard p95 < 200 ms and p50 at least 50x
faster than the naive p50.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import KOTA, load_kota, parse, percentile, setup_django, throwaway_database  # noqa: E402

TARGET_MS = 200.0
TARGET_SPEEDUP = 50.0
CHUNK = 1_000_000
REQUEST_SHARE_PERCENT = 3

RESIDENTS_SQL = """
INSERT INTO population_resident (id, nik, full_name, birth_place, birth_date, sex, blood_type, religion, marital_status,
  occupation, education, citizenship, passport_number, kitap_number, father_name, mother_name, kelurahan_id, rw, rt,
  address, phone, life_status, created_at, updated_at)
SELECT gen_random_uuid(), '7271' || lpad(i::text, 12, '0'), 'WARGA BENCH ' || i, 'PALU',
  date '1945-01-01' + ((i * 7919) %% 29200)::int, CASE WHEN i %% 2 = 0 THEN 'L' ELSE 'P' END, 'O+', 'islam',
  CASE WHEN i %% 3 = 0 THEN 'kawin' ELSE 'belum_kawin' END, 'karyawan_swasta', 'slta', 'WNI', '', '', '', '',
  (%(kelurahan)s::text[])[(1 + (i * 31) %% %(n_kelurahan)s)::int], lpad((1 + i %% 9)::text, 3, '0'), lpad((1 + i %% 12)::text, 3, '0'),
  'JL. BENCH ' || i, '', CASE WHEN i %% 250 = 0 THEN 'mati' ELSE 'hidup' END, now(), now()
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS i
"""

# Statuses by (hash % 10): most recorded requests are somewhere in the pipeline or printed.
REQUESTS_SQL = """
INSERT INTO enrollment_ktprequest (id, resident_id, nik, office_id, kecamatan_code, status, rejection_code, rejection_reason, created_at, updated_at)
SELECT gen_random_uuid(), r.id, r.nik, %(office)s, k.kecamatan_id,
  (ARRAY['received','validated','dedup_pending','duplicate_suspected','print_ready','printing','printed','at_office','picked_up','rejected'])[1 + abs(hashtext(r.nik)) %% 10],
  '', '', now() - ((abs(hashtext(r.nik || 'd')) %% 30) || ' days')::interval, now() - ((abs(hashtext(r.nik || 'u')) %% 40) || ' days')::interval
FROM population_resident r JOIN regions_kelurahan k ON k.code = r.kelurahan_id
WHERE abs(hashtext(r.nik)) %% 100 < %(share)s
"""

EVENTS_SQL = """
INSERT INTO enrollment_ktprequestevent (request_id, from_status, to_status, at, device_time, actor_username, office_id, reason, details)
SELECT q.id, '', 'received', q.created_at, q.created_at, '', q.office_id, '', '{}'::jsonb FROM enrollment_ktprequest q
"""

NAIVE_SQL = """
SELECT r.kelurahan_id,
  count(*) FILTER (WHERE w.wajib),
  count(*) FILTER (WHERE w.wajib AND q.status = ANY(%(recorded)s)),
  count(*) FILTER (WHERE w.wajib AND q.status = ANY(%(ready)s)),
  count(*) FILTER (WHERE w.wajib AND q.status = ANY(%(printed)s)),
  count(*) FILTER (WHERE w.wajib AND q.status = 'picked_up')
FROM population_resident r
CROSS JOIN LATERAL (SELECT r.life_status = 'hidup' AND r.citizenship = 'WNI'
                    AND (r.birth_date <= %(adult_born_by)s OR r.marital_status <> 'belum_kawin') AS wajib) w
LEFT JOIN enrollment_ktprequest q ON q.resident_id = r.id AND q.status <> 'rejected'
GROUP BY r.kelurahan_id
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=40, help="dashboard page loads")
    parser.add_argument("--naive-runs", type=int, default=5, help="naive GROUP BY runs")
    args = parse(parser, argv, quick={"residents": 200_000, "runs": 20, "naive_runs": 3}, quick_help="200,000 residents, 20 page loads, 3 naive runs")
    if args.residents < 10_000 or args.runs < 2 or args.naive_runs < 1:
        parser.error("--residents must be at least 10000, --runs at least 2 and --naive-runs at least 1")
    url = args.database_url or os.environ.get("DATABASE_URL", "") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("bench/dashboard.py needs PostgreSQL: --database-url postgres://...")
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    with throwaway_database(url, "adminduk-bench-dashboard-"):
        return run(args)


def load(residents: int) -> tuple[float, int]:
    from django.db import connection

    from adminduk.offices.models import Office
    from adminduk.regions.models import Kecamatan, Kelurahan

    kelurahan = list(Kelurahan.objects.filter(code__startswith=KOTA + ".").order_by("code").values_list("code", flat=True))
    dinas = Office.objects.create(code="palu-dinas", name="Dinas Dukcapil Kota Palu", kind=Office.Kind.DINAS, regency_id=KOTA)
    for kecamatan in Kecamatan.objects.filter(regency_id=KOTA):
        Office.objects.create(code=f"palu-{kecamatan.code[-2:]}", name=f"Kantor Camat {kecamatan.name}", kind=Office.Kind.KECAMATAN, regency_id=KOTA, kecamatan=kecamatan)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # The name search's triggers and GIN index serve no dashboard and would dominate the load.
        cursor.execute("ALTER TABLE population_resident DISABLE TRIGGER USER")
        cursor.execute("DROP INDEX IF EXISTS resident_name_keys_idx")
        for first in range(1, residents + 1, CHUNK):
            last = min(first + CHUNK - 1, residents)
            cursor.execute(RESIDENTS_SQL, {"kelurahan": kelurahan, "n_kelurahan": len(kelurahan), "first": first, "last": last})
            print(f"  residents {last:,} / {residents:,} ({time.perf_counter() - started:.0f} s)", flush=True)
        cursor.execute("ALTER TABLE population_resident ENABLE TRIGGER USER")
        cursor.execute(REQUESTS_SQL, {"office": dinas.pk, "share": REQUEST_SHARE_PERCENT})
        requests = cursor.rowcount
        cursor.execute(EVENTS_SQL)
        cursor.execute("ANALYZE")
    return time.perf_counter() - started, requests


def staff_client():
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from adminduk.accounts.models import OfficeAssignment, User
    from adminduk.offices.models import Office

    user = User.objects.create_user("bench.supervisor", password="bench-kata-sandi-2026", role="supervisor")
    OfficeAssignment.objects.create(user=user, office=Office.objects.get(code="palu-dinas"))
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def run(args) -> int:
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from adminduk.enrollment.statuses import RequestStatus as S
    from adminduk.reports import stages, summary

    load_kota()
    print(f"Loading {args.residents:,} residents into PostgreSQL ...", flush=True)
    load_seconds, requests = load(args.residents)
    print(f"Loaded {args.residents:,} residents and {requests:,} e-KTP requests in {load_seconds:.1f} s", flush=True)

    started = time.perf_counter()
    built = summary.rebuild()
    rebuild_seconds = time.perf_counter() - started
    print(f"Summary rebuilt in {rebuild_seconds:.1f} s: {built}", flush=True)

    client = staff_client()
    for url in ("/laporan/", "/laporan/?kecamatan=72.71.08"):
        response = client.get(url)
        if response.status_code != 200:
            print(f"FAILED: {url} answered {response.status_code}")
            return 1
    kota = timed(lambda: client.get("/laporan/"), args.runs)
    kecamatan = timed(lambda: client.get("/laporan/?kecamatan=72.71.08"), args.runs)

    today = timezone.localdate()
    params = {
        "recorded": [s for s, level in stages.STAGE_OF_STATUS.items() if level >= 1],
        "ready": [s for s, level in stages.STAGE_OF_STATUS.items() if level >= 2],
        "printed": [s for s, level in stages.STAGE_OF_STATUS.items() if level >= 3],
        "adult_born_by": today.replace(year=today.year - 17) if not (today.month == 2 and today.day == 29) else dt.date(today.year - 17, 2, 28),
    }
    assert S.PICKED_UP in params["printed"]

    def naive():
        with connection.cursor() as cursor:
            cursor.execute(NAIVE_SQL, params)
            cursor.fetchall()

    naive_ms = timed(naive, args.naive_runs)
    page_p50, page_p95 = statistics.median(kota), percentile(kota, 0.95)
    naive_p50 = statistics.median(naive_ms)
    speedup = naive_p50 / page_p50
    print()
    print(f"residents: {args.residents:,}   e-KTP requests: {requests:,}   summary rebuild: {rebuild_seconds:.1f} s")
    print(f"dashboard page, whole kota ({args.runs} loads): p50 {page_p50:.1f} ms, p95 {page_p95:.1f} ms")
    print(f"dashboard page, one kecamatan ({args.runs} loads): p50 {statistics.median(kecamatan):.1f} ms, p95 {percentile(kecamatan, 0.95):.1f} ms")
    print(f"naive GROUP BY coverage per kelurahan ({args.naive_runs} runs): p50 {naive_p50:.1f} ms, p95 {percentile(naive_ms, 0.95):.1f} ms")
    print(f"speed-up (naive p50 / dashboard p50): {speedup:.0f}x   (targets: p95 < {TARGET_MS:.0f} ms, >= {TARGET_SPEEDUP:.0f}x)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"RESULT dashboard_p50_ms={page_p50:.1f} ms")
    print(f"RESULT dashboard_p95_ms={page_p95:.1f} ms")
    print(f"RESULT dashboard_kecamatan_p95_ms={percentile(kecamatan, 0.95):.1f} ms")
    print(f"RESULT naive_group_by_p50_ms={naive_p50:.1f} ms")
    print(f"RESULT speedup={speedup:.1f} x")
    print(f"RESULT summary_rebuild_s={rebuild_seconds:.1f} s")
    return 0 if page_p95 < TARGET_MS and speedup >= TARGET_SPEEDUP else 1


if __name__ == "__main__":
    sys.exit(main())
