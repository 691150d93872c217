"""Benchmark of booking over HTTP: 50 concurrent clients book the places of one office-day.

    nice .venv/bin/python bench/booking.py                 # the busiest demo office's full day
    nice .venv/bin/python bench/booking.py --quick         # a quarter of that day, under a minute
    .venv/bin/python bench/booking.py --database-url postgres://postgres@127.0.0.1:5432/postgres

A throwaway PostgreSQL database gets Kota Palu's demo offices and a generated population; a
gunicorn server with several worker processes serves the real API
(POST /api/appointments/bookings) to 50 client threads, each with its own operator session
(a Dinas-wide kecamatan operator, so residents of the whole kota can be booked), with a task
queue consumer beside it that sends the confirmations, as in production. The clients
book more residents than the day has places, so the last places are fought over, and 10% of
the calls re-book a resident already booked. Two office-days, two phases:

(a) paced: each client books, then pauses (0.5-1.5 s, a person at a counter or a phone is far
    slower); the latency target applies here;
(b) closed loop: each client books again the moment its answer arrives: the server's
    saturation throughput (latency is then queueing: 50 clients / throughput).

Measured: bookings per second, p50/p95 latency of the booking calls, errors (any answer other
than 201, 409 slot_full or 409 already_booked), overbookings (open bookings beyond a slot's
capacity, or a counter that disagrees with the bookings) and residents with two open bookings.
For comparison, MOSIP's pre-registration load test reports p90 18.9 s at 50 users with 5.4%
slot errors. Target: p95 under 300 ms in (a), 0 errors and 0 overbookings in both.
"""

import argparse
import datetime as dt
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import KOTA, ThrowawayPostgres  # noqa: E402

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


def redis_answers(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
        client.flushdb()  # the bench's own database number: the last run's tasks are not this run's
        return True
    except (redis.RedisError, ValueError):
        return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the day's places (under a minute)")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15",
                        help="the task queue's Redis, as a production central runs it (SQLite storage when it does not answer)")
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a postgres:// URL (several server processes share the database)")
    if args.clients < 1 or args.workers < 1:
        parser.error("--clients and --workers must be at least 1")
    data_dir = tempfile.mkdtemp(prefix="adminduk-bench-booking-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADMINDUK_") and k != "DATABASE_URL"}
    env |= {"ADMINDUK_MODE": "test", "ADMINDUK_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "adminduk.settings",
            "ADMINDUK_MESSAGING_BACKEND": "file", "PYTHONPATH": str(ROOT / "src"),
            "ADMINDUK_HUEY_REAL": "1"}  # a real task queue and consumer, as in production: confirmations leave the request  # fmt: skip
    if redis_answers(args.redis_url):
        env["ADMINDUK_REDIS_URL"] = args.redis_url
        print(f"tasks      Redis at {args.redis_url}, as on a production central")
    else:
        print(f"tasks      SQLite storage (Redis at {args.redis_url} did not answer; a production central runs Redis)")
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
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connections
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
    days, day = [], slots.local_today(office) + dt.timedelta(days=2)
    while len(days) < 2:
        if day.weekday() <= 3 and not capacity.national_holiday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    plans = []
    for on in days:
        rows = slots.slots_for_day(office, on)
        plans.append({"day": on, "slot_ids": [str(r.pk) for r in rows], "places": sum(r.capacity for r in rows)})
    wanted = sum(int(plan["places"] * 1.5) for plan in plans)
    generate_population(KOTA, max(2 * wanted, 2000), seed=2026)
    candidates = []
    for resident in Resident.objects.order_by("nik").iterator():
        if resident.is_wajib_ktp(days[0]) and not is_recorded(resident.nik):  # wajib KTP already on the first day booked
            candidates.append(resident.nik)
            if len(candidates) == wanted:
                break
    if len(candidates) < wanted:
        raise SystemExit(f"only {len(candidates)} wajib KTP residents generated, {wanted} needed")
    for plan in plans:
        take = int(plan["places"] * 1.5)
        plan["niks"], candidates = candidates[:take], candidates[take:]

    user = get_user_model().objects.create_user("bench-loket", password=secrets.token_urlsafe(16), role="kecamatan_operator")
    OfficeAssignment.objects.create(user=user, office=Office.objects.get(kind="dinas"))
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    sessions = []
    for _ in range(args.clients):
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.create()
        sessions.append(store.session_key)
    cookies = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    connections.close_all()
    return office, plans, sessions, cookies


def run(args, env) -> int:
    import httpx

    started = time.perf_counter()
    office, plans, sessions, cookies = setup(args)
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    print(f"setup      {office.name}: {len(plans[0]['slot_ids'])} slots a day, {plans[0]['places']} places; "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    port = free_port()
    log = open(Path(env["ADMINDUK_DATA_DIR"]) / "gunicorn.log", "w")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", f"--bind=127.0.0.1:{port}", f"--workers={args.workers}", "--worker-class=sync",
         "--timeout=60", "adminduk.wsgi:application"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True,
    )  # fmt: skip
    consumer = subprocess.Popen([PYTHON, "-m", "adminduk", "run_huey", "--workers", "2"], env=env, stdout=log, stderr=subprocess.STDOUT,
                                cwd=ROOT, start_new_session=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/api/appointments/offices/x/slots", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        # Every worker imports and warms up before the clock starts.
        with httpx.Client(base_url=base, cookies={cookies[0]: sessions[0]}) as http:
            for _ in range(4 * args.workers):
                http.get(f"/api/appointments/offices/{office.code}/slots", params={"date": plans[0]["day"].isoformat()})
        paced = drive(args, base, office.code, plans[0], sessions, cookies, pause=(0.5, 1.5))
        closed = drive(args, base, office.code, plans[1], sessions, cookies, pause=None)
    finally:
        for process in (server, consumer):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(30)
        log.close()
    ok_a, figures_a = report("(a) paced", paced, office, plans[0], args.clients)
    ok_b, figures_b = report("(b) closed loop", closed, office, plans[1], args.clients)
    p95_ok = figures_a["p95"] < TARGET_P95_MS
    print(f"machine    load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (shared with other work)")
    print(f"RESULT booking_rate={figures_a['rate']:.1f} bookings/s")
    print(f"RESULT booking_p50={figures_a['p50']:.0f} ms")
    print(f"RESULT booking_p95={figures_a['p95']:.0f} ms")
    print(f"RESULT booking_saturated_rate={figures_b['rate']:.1f} bookings/s")
    print(f"RESULT booking_saturated_p95={figures_b['p95']:.0f} ms")
    print(f"RESULT booking_errors={figures_a['errors'] + figures_b['errors']} count")
    print(f"RESULT booking_overbookings={figures_a['over'] + figures_b['over']} count")
    ok = ok_a and ok_b and p95_ok
    print("target     " + ("met" if ok else "NOT met"))
    return 0 if ok else 1


def drive(args, base, office_code, plan, sessions, cookies, *, pause) -> dict:
    import httpx

    session_cookie, csrf_cookie = cookies
    day, slot_ids = plan["day"], plan["slot_ids"]
    queue = list(plan["niks"])
    random.Random(2026).shuffle(queue)
    lock = threading.Lock()
    booked_niks: list[str] = []
    latencies, outcomes, errors = [], {}, []
    barrier = threading.Barrier(args.clients)

    def client(index: int) -> None:
        rng = random.Random(index)
        token = secrets.token_hex(16)  # a CSRF secret of our own: cookie and header agree
        with httpx.Client(base_url=base, timeout=60, cookies={session_cookie: sessions[index], csrf_cookie: token},
                          headers={"X-CSRFToken": token, "Referer": base + "/"}) as http:  # fmt: skip
            free = list(slot_ids)
            barrier.wait()
            if pause:
                time.sleep(rng.uniform(0, pause[1]))  # clients arrive spread out, not in one burst
            while True:
                if not free:  # every slot this client knew looked full: ask what is left
                    answer = http.get(f"/api/appointments/offices/{office_code}/slots", params={"date": day.isoformat()})
                    free = [s["id"] for s in answer.json() if s["free"] > 0]
                    if not free:
                        return  # the day is full
                with lock:
                    retry = bool(booked_niks) and rng.random() < RETRY_SHARE
                    if retry:
                        nik = rng.choice(booked_niks)
                    elif queue:
                        nik = queue.pop()
                    else:
                        return
                slot = rng.choice(free)
                t = time.perf_counter()
                try:
                    answer = http.post("/api/appointments/bookings", json={"nik": nik, "slot_id": slot})
                    code = "booked" if answer.status_code == 201 else answer.json().get("code", "")
                except (httpx.HTTPError, ValueError) as exc:
                    with lock:
                        errors.append(f"transport: {exc!r}")
                    continue
                elapsed = time.perf_counter() - t
                with lock:
                    latencies.append(elapsed)
                    outcomes[code] = outcomes.get(code, 0) + 1
                    if code == "booked":
                        booked_niks.append(nik)
                    elif code == "slot_full" and not retry:
                        queue.append(nik)  # not booked: the resident tries another time
                    elif code not in ("slot_full", "already_booked"):
                        errors.append(f"{answer.status_code} {answer.text[:200]}")
                if code == "slot_full":
                    free = [s for s in free if s != slot]
                if pause:
                    time.sleep(rng.uniform(*pause))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - t0, "latencies": latencies, "outcomes": outcomes, "errors": errors}


def report(name: str, result: dict, office, plan: dict, clients: int) -> tuple[bool, dict]:
    from django.db.models import Count, Q

    from adminduk.appointments.choices import OPEN_STATUSES
    from adminduk.appointments.models import Booking, Slot

    latencies, outcomes, errors = result["latencies"], result["outcomes"], result["errors"]
    booked = outcomes.get("booked", 0)
    over = 0
    for slot in Slot.objects.filter(office=office, date=plan["day"]).annotate(open=Count("bookings", filter=Q(bookings__status__in=OPEN_STATUSES))):
        over += max(slot.open - slot.capacity, 0) + abs(slot.booked - slot.open)
    doubles = Booking.objects.filter(status__in=OPEN_STATUSES).values("resident").annotate(n=Count("id")).filter(n__gt=1).count()
    stored = Booking.objects.filter(slot__office=office, slot__date=plan["day"], status__in=OPEN_STATUSES).count()
    p50, p95 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.95) * 1000
    rate = booked / result["seconds"]
    print(f"{name}: {len(latencies):,} booking calls in {result['seconds']:.1f} s by {clients} clients: {dict(sorted(outcomes.items()))}")
    print(f"    stored {stored} open bookings for {plan['places']} places; overbookings {over}; residents with two open bookings {doubles}")
    print(f"    latency p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(latencies) * 1000:.0f} ms; {rate:.1f} bookings/s")
    for line in errors[:5]:
        print(f"    error {line}")
    ok = not errors and over == 0 and doubles == 0 and stored == booked == plan["places"]
    return ok, {"p50": p50, "p95": p95, "rate": rate, "errors": len(errors), "over": over + doubles}


if __name__ == "__main__":
    sys.exit(main())
