"""Benchmark of booking over HTTP: 50 concurrent clients book the places of one office-day.

    nice .venv/bin/python bench/booking.py                 # the busiest demo office's full day
    nice .venv/bin/python bench/booking.py --quick         # a quarter of that day, under a minute
    .venv/bin/python bench/booking.py --database-url postgres://postgres@127.0.0.1:5432/postgres

A throwaway PostgreSQL database gets Kota Palu's demo offices and a generated population; a
gunicorn server with several worker processes serves the real API
(POST /api/appointments/bookings) to 50 client threads, each with its own operator session.
The clients book more residents than the day has places (so the last places are fought over)
and retry some residents already booked. Measured: bookings per second, p50/p95 latency of
the booking calls, errors (any answer other than 201, or 409 slot_full / already_booked),
overbookings (open bookings beyond a slot's capacity) and residents with two open bookings.
For comparison, MOSIP's pre-registration load test reports p90 18.9 s at 50 users with 5.4%
slot errors. Target: p95 under 300 ms, 0 errors, 0 overbookings.
"""

import argparse
import datetime as dt
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import KOTA, ThrowawayPostgres  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLIENTS = 50
TARGET_P95_MS = 300
RETRY_SHARE = 0.1  # share of calls that re-book a resident already booked


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the day's places (under a minute)")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a postgres:// URL (several server processes share the database)")
    if args.clients < 1 or args.workers < 1:
        parser.error("--clients and --workers must be at least 1")
    data_dir = tempfile.mkdtemp(prefix="adminduk-bench-booking-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADMINDUK_") and k != "DATABASE_URL"}
    env |= {"ADMINDUK_MODE": "test", "ADMINDUK_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "adminduk.settings",
            "ADMINDUK_MESSAGING_BACKEND": "file", "PYTHONPATH": str(ROOT / "src")}  # fmt: skip
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    database = ThrowawayPostgres(args.database_url).__enter__()
    os.environ["DATABASE_URL"] = env["DATABASE_URL"] = database.url
    try:
        return run(args, env)
    finally:
        database.__exit__(None, None, None)
        shutil.rmtree(data_dir, ignore_errors=True)


def setup(args):
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from adminduk.accounts.models import OfficeAssignment
    from adminduk.appointments import actions, capacity, slots
    from adminduk.appointments.rules import is_recorded
    from adminduk.offices.demo import create_demo_offices
    from adminduk.offices.models import Office
    from adminduk.population.generator import generate_population
    from adminduk.population.models import Resident
    from adminduk.regions import codes, services

    call_command("migrate", interactive=False, verbosity=0)
    services.load_regions(codes.shipped_region_rows(), villages_under=KOTA)
    create_demo_offices(KOTA)
    # The busiest demo office: 3 recording sets, open until 20:00 on Monday-Thursday.
    office = Office.objects.filter(kind="kecamatan", opening_hours__closes=dt.time(20)).order_by("code").first()
    if args.quick:
        actions.set_booking_settings(office, minutes_per_recording=20)
    day = slots.local_today(office) + dt.timedelta(days=2)
    while day.weekday() > 3 or capacity.national_holiday(day):
        day += dt.timedelta(days=1)
    day_slots = slots.slots_for_day(office, day)
    places = sum(s.capacity for s in day_slots)
    wanted = int(places * 1.4)
    generate_population(KOTA, max(4 * wanted, 2000), seed=2026)
    candidates = []
    for resident in Resident.objects.filter(kelurahan__kecamatan_id=office.kecamatan_id).iterator():
        if resident.is_wajib_ktp(day) and not is_recorded(resident.nik):
            candidates.append(resident.nik)
            if len(candidates) == wanted:
                break
    if len(candidates) < wanted:
        raise SystemExit(f"only {len(candidates)} wajib KTP residents generated in the office's kecamatan, {wanted} needed")

    user = get_user_model().objects.create_user("bench-loket", password=secrets.token_urlsafe(16), role="kecamatan_operator")
    OfficeAssignment.objects.create(user=user, office=office)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    sessions = []
    for _ in range(args.clients):
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.create()
        sessions.append(store.session_key)
    from django.conf import settings
    from django.db import connections

    cookies = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    connections.close_all()
    return office, day, [str(s.pk) for s in day_slots], places, candidates, sessions, cookies


def run(args, env) -> int:
    import httpx

    started = time.perf_counter()
    office, day, slot_ids, places, niks, sessions, (session_cookie, csrf_cookie) = setup(args)
    print(f"setup      {office.name}, {day:%A %d %B %Y}: {len(slot_ids)} slots, {places} places; "
          f"{len(niks)} residents will try; {time.perf_counter() - started:.1f} s")  # fmt: skip

    port = free_port()
    log = open(Path(env["ADMINDUK_DATA_DIR"]) / "gunicorn.log", "w")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", f"--bind=127.0.0.1:{port}", f"--workers={args.workers}", "--worker-class=sync",
         "--timeout=60", "adminduk.wsgi:application"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/api/appointments/offices/x/slots", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start; see its log")
        result = drive(args, base, office.code, day, slot_ids, niks, sessions, session_cookie, csrf_cookie)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        log.close()
    return report(result, office, day, places)


def drive(args, base, office_code, day, slot_ids, niks, sessions, session_cookie, csrf_cookie) -> dict:
    import httpx

    queue = list(niks)
    random.Random(2026).shuffle(queue)
    lock = threading.Lock()
    booked_niks: list[str] = []
    latencies, outcomes, errors = [], {}, []
    barrier = threading.Barrier(args.clients)

    def client(index: int) -> None:
        rng = random.Random(index)
        token = secrets.token_hex(16)  # a CSRF secret of our own: cookie and header agree
        with httpx.Client(base_url=base, timeout=30, cookies={session_cookie: sessions[index], csrf_cookie: token},
                          headers={"X-CSRFToken": token, "Referer": base + "/"}) as http:  # fmt: skip
            free = list(slot_ids)
            barrier.wait()
            while True:
                with lock:
                    retry = booked_niks and rng.random() < RETRY_SHARE
                    if retry:
                        nik = rng.choice(booked_niks)
                    elif queue:
                        nik = queue.pop()
                    else:
                        return
                if not free:  # every slot looked full: ask the server what is left
                    answer = http.get(f"/api/appointments/offices/{office_code}/slots", params={"date": day.isoformat()})
                    free = [s["id"] for s in answer.json() if s["free"] > 0]
                    if not free:
                        free = [rng.choice(slot_ids)]  # the day is full: each further try must be refused
                slot = rng.choice(free)
                t = time.perf_counter()
                try:
                    answer = http.post("/api/appointments/bookings", json={"nik": nik, "slot_id": slot})
                except httpx.HTTPError as exc:
                    with lock:
                        errors.append(f"transport: {exc!r}")
                    continue
                elapsed = time.perf_counter() - t
                code = answer.json().get("code", "") if answer.status_code != 201 else "booked"
                with lock:
                    latencies.append(elapsed)
                    outcomes[code] = outcomes.get(code, 0) + 1
                    if code == "booked":
                        booked_niks.append(nik)
                    elif code == "slot_full":
                        free = [s for s in free if s != slot]
                    elif code != "already_booked":
                        errors.append(f"{answer.status_code} {answer.text[:200]}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - t0, "latencies": latencies, "outcomes": outcomes, "errors": errors}


def report(result: dict, office, day, places: int) -> int:
    from django.db.models import Count, F

    from adminduk.appointments.choices import OPEN_STATUSES
    from adminduk.appointments.models import Booking, Slot

    latencies, outcomes, errors = result["latencies"], result["outcomes"], result["errors"]
    booked = outcomes.get("booked", 0)
    over = 0
    for slot in Slot.objects.filter(office=office, date=day).annotate(open=Count("bookings", filter=__import__("django.db.models", fromlist=["Q"]).Q(bookings__status__in=OPEN_STATUSES))):
        over += max(slot.open - slot.capacity, 0) + max(slot.booked - slot.capacity, 0) + abs(slot.booked - slot.open)
    doubles = Booking.objects.filter(status__in=OPEN_STATUSES).values("resident").annotate(n=Count("id")).filter(n__gt=1).count()
    stored = Booking.objects.filter(slot__office=office, slot__date=day, status__in=OPEN_STATUSES).count()
    p50, p95 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.95) * 1000
    rate = booked / result["seconds"]
    print(f"calls      {len(latencies):,} booking calls in {result['seconds']:.1f} s by 50 clients: {dict(sorted(outcomes.items()))}")
    print(f"stored     {stored} open bookings for {places} places; overbookings {over}; residents with two open bookings {doubles}")
    print(f"latency    p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(latencies) * 1000:.0f} ms; {rate:.1f} bookings/s")
    for line in errors[:5]:
        print(f"error      {line}")
    ok = p95 < TARGET_P95_MS and not errors and over == 0 and doubles == 0 and stored == booked == places
    print(f"RESULT booking_rate={rate:.1f} bookings/s")
    print(f"RESULT booking_p50={p50:.0f} ms")
    print(f"RESULT booking_p95={p95:.0f} ms")
    print(f"RESULT booking_errors={len(errors)} count")
    print(f"RESULT booking_overbookings={over + doubles} count")
    print("target     " + ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
