"""Load test of the operator pages: locust (headless) against `adminduk serve` on PostgreSQL.

    .venv/bin/pip install -e ".[load]"        # locust, once
    nice .venv/bin/python bench/load.py       # 20,000 residents, 200 users for 3 minutes
    nice .venv/bin/python bench/load.py --quick   # 3,000 residents, 30 users for 40 s (under two minutes)
    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/postgres

Makes a throwaway PostgreSQL database on the server of --database-url (dropped afterwards),
prepares it as `adminduk demo` does (Kota Palu, offices, synthetic residents) plus one account
per simulated user (kecamatan operators certified for recording and, one in ten, kecamatan
supervisors, each with a TOTP device), then serves it with `adminduk serve` in production mode
(gunicorn, 2 x cores + 1 workers, WhiteNoise, plain HTTP on loopback) and runs locust headless:
every user logs in (password and TOTP code) and then, with 5-15 s of think time (--think), searches by NIK
and by name, opens resident and KK pages and the home page; operators go through recording steps
(call a resident, open the session, capture the face, cancel), supervisors open the sync page.

The pace is the busiest office's in the project's domain figures (shared/DOMAIN.md): about 380
recordings a day at one kecamatan on 2 recording sets, service until 20:00 (12 hours from about
08:00), one resident every 3.8 minutes per set (the national average, 100 a day per recording
point, is slower still). A recording is about 20 requests (call, session page, 14 captures,
confirm, submit, the station again): one every 11 s. The think time comes between tasks, and
the recording task sends its 5 requests in a row, so 5-15 s makes about one request every 7 s
per operator: a little more than that busiest pace. `--think 1-4` is four times it, a stress
test: it shows where the 2 cores saturate, not what 200 operators ask of them.

Users start at 2 a second (--spawn-rate): each login costs about 0.3 s of CPU (argon2), and
operators starting a shift log in over minutes. Locust's FastHttpUser (geventhttpclient) drives
them, since the load generator shares the machine's cores with the server and PostgreSQL.

Prints requests per second, p50/p95/p99 per page and errors over --duration seconds from the
moment every user has logged in (the steady state), the logins of the start apart, the CPU the
web server and PostgreSQL used per request in the steady state, and the machine's load at start
and end. Targets on this 2-core machine: p95 < 100 ms for reads (GET), < 200 ms for writes
(POST), 0 errors. Anchor: OpenCRVS reports p95 150 ms read / 300 ms write at 1,000 users on 12 cores.
"""

import argparse
import contextlib
import csv
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
READ_TARGET_MS, WRITE_TARGET_MS = 100.0, 200.0
RESIDENTS_PER_KECAMATAN = 400


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def admin_sql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU time so far of the web server (gunicorn and its workers) and of PostgreSQL's processes."""
    import psutil

    totals = {"server": 0.0, "postgres": 0.0}
    try:
        server = psutil.Process(server_pid)
        for process in [server, *server.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                totals["server"] += times.user + times.system
    except psutil.Error:
        pass
    for process in psutil.process_iter(["name"]):
        if (process.info["name"] or "").startswith("postgres"):
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                totals["postgres"] += times.user + times.system
    return totals


class SteadyCpu:
    """The CPU used by the server and PostgreSQL between start() and stop(): where a request's
    time goes on the shared cores."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid
        self.used: dict[str, float] = {}
        self.seconds = 0.0

    def start(self):
        self.first, self.started = cpu_seconds(self.server_pid), time.monotonic()

    def stop(self):
        last = cpu_seconds(self.server_pid)
        self.seconds = time.monotonic() - self.started
        self.used = {group: last[group] - self.first[group] for group in self.first}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# --- run inside the prepared environment (Django set up) --------------------------------------


def prepare_accounts(out: str, users: int) -> None:
    """One account per simulated user, and residents of each kecamatan to look up."""
    import django

    django.setup()
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from adminduk.accounts.models import Certification, OfficeAssignment, User
    from adminduk.accounts.permissions import Role
    from adminduk.offices.models import Office
    from adminduk.population.models import FamilyMember, Resident

    offices = list(Office.objects.filter(kind="kecamatan").order_by("code"))
    today = timezone.localdate()
    accounts = {"operator": [], "supervisor": []}
    with transaction.atomic():
        for number in range(users):
            role = "supervisor" if number % 10 == 9 else "operator"
            office = offices[number % len(offices)]
            username = f"load.{role[:3]}{number:03d}"
            password = f"beban-{secrets.token_urlsafe(12)}"
            user = User(username=username, role=Role.SUPERVISOR if role == "supervisor" else Role.KECAMATAN_OPERATOR)
            user.set_password(password)
            user.save()
            OfficeAssignment.objects.create(user=user, office=office)
            if role == "operator":
                Certification.objects.create(
                    user=user, kind="recording", certificate_number=f"LOAD-{number}", trained_on=today - dt.timedelta(days=30),
                    valid_until=today + dt.timedelta(days=300),
                )
            key = secrets.token_hex(20)
            TOTPDevice.objects.create(user=user, name="load", key=key, confirmed=True, tolerance=1)
            accounts[role].append({"username": username, "password": password, "totp_key": key, "kecamatan": office.kecamatan_id})
    adult = today - dt.timedelta(days=366 * 18)
    residents = {}
    for office in offices:
        rows = (
            Resident.objects.filter(kelurahan__kecamatan_id=office.kecamatan_id, life_status="hidup", birth_date__lt=adult)
            .order_by("nik").values_list("id", "nik", "full_name")[:RESIDENTS_PER_KECAMATAN]
        )
        kk = dict(FamilyMember.objects.filter(resident_id__in=[r[0] for r in rows]).values_list("resident_id", "family__kk_number"))
        residents[office.kecamatan_id] = [{"nik": nik, "name": name, "kk": kk.get(pk, "")} for pk, nik, name in rows if kk.get(pk)]
    Path(out).write_text(json.dumps({"accounts": accounts, "residents": residents}))


# --- the benchmark ----------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=int, default=180, help="seconds of load after all users have started")
    # Each login costs ~0.3 s of CPU (argon2): 200 at 10/s would saturate both cores for a minute.
    # Operators starting a shift log in over minutes, not seconds.
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="users started (and logged in) per second")
    parser.add_argument("--think", default="5-15",
                        help="seconds an operator waits between clicks, MIN-MAX (default 5-15: a busy recording operator; 1-4 is a stress test)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: adminduk serve's, 2 x cores + 1)")
    parser.add_argument("--threads", type=int, default=None, help="threads per gunicorn worker (default: adminduk serve's)")
    parser.add_argument("--quick", action="store_true", help="3,000 residents, 30 users, 40 s")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server to make the throwaway database on")
    parser.add_argument("--keep", action="store_true", help="keep the database and data directory (printed)")
    args = parser.parse_args(argv)
    if args.quick:
        args.residents, args.users, args.duration = 3_000, 30, 40
    if args.residents < 1000 or args.users < 10 or args.duration < 5:
        parser.error("--residents must be at least 1000, --users at least 10 (one in ten is a supervisor), --duration at least 5")
    try:
        think = tuple(float(x) for x in args.think.split("-"))
        if len(think) != 2 or not 0 <= think[0] <= think[1]:
            raise ValueError
    except ValueError:
        parser.error("--think must be MIN-MAX seconds, e.g. 5-15")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a postgres:// URL")
    try:
        import locust
    except ImportError:
        parser.error('locust is not installed: .venv/bin/pip install -e ".[load]"')

    print(f"load average at start: {load_average()} ({os.cpu_count()} cores)", flush=True)
    name = f"adminduk_load_{os.getpid()}"
    url = urlunsplit(urlsplit(args.database_url)._replace(path="/" + name))
    data_dir = Path(tempfile.mkdtemp(prefix="adminduk-bench-load-"))
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("ADMINDUK_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    base_env |= {"DATABASE_URL": url, "ADMINDUK_DATA_DIR": str(data_dir), "ADMINDUK_ROLE": "central", "PYTHONPATH": str(ROOT / "src")}
    admin_sql(args.database_url, f'CREATE DATABASE "{name}"')
    server = None
    try:
        started = time.monotonic()
        demo_env = base_env | {"ADMINDUK_MODE": "demo"}
        subprocess.run([PYTHON, "-m", "adminduk", "demo", "--no-serve", "--no-node", "--residents", str(args.residents)],
                       env=demo_env, check=True, stdout=subprocess.DEVNULL)
        fixture = data_dir / "load-fixture.json"
        subprocess.run([PYTHON, __file__, "_prepare", str(fixture), str(args.users)],
                       env=demo_env | {"DJANGO_SETTINGS_MODULE": "adminduk.settings"}, check=True)
        print(f"prepared {args.residents:,} residents and {args.users} accounts in {time.monotonic() - started:.0f} s", flush=True)

        port = free_port()
        serve_env = base_env | {
            "ADMINDUK_MODE": "production", "ADMINDUK_SECRET_KEY": secrets.token_urlsafe(64), "ADMINDUK_INSECURE_COOKIES": "1",
            "ADMINDUK_LOG_LEVEL": "WARNING",
        }
        # A production central's keys, as the deployment guide makes them (the demo's own stay).
        subprocess.run([PYTHON, "-m", "adminduk", "central", "keygen"], env=serve_env, check=True, stdout=subprocess.DEVNULL)
        # `adminduk serve` collects and compresses the static files first (once per upgrade).
        command = [PYTHON, "-m", "adminduk", "serve", "--bind", f"127.0.0.1:{port}"]
        if args.workers:
            command += ["--workers", str(args.workers)]
        if args.threads:
            command += ["--threads", str(args.threads)]
        server = subprocess.Popen(command, env=serve_env, stdout=open(data_dir / "serve.log", "wb"), stderr=subprocess.STDOUT)  # noqa: SIM115
        wait_for_health(port, server, data_dir)
        warm_up(port)

        times = data_dir / "times.json"
        spawn_seconds = args.users / args.spawn_rate
        locust_env = base_env | {"ADMINDUK_LOAD_FIXTURE": str(fixture), "ADMINDUK_LOAD_TIMES": str(times), "ADMINDUK_LOAD_THINK": f"{think[0]},{think[1]}"}
        print(f"locust: {args.users} users, {args.spawn_rate:g}/s, {args.duration} s at full load, {args.think} s between clicks; "
              f"load average {load_average()}", flush=True)
        steady_mark = data_dir / "steady"
        locust_env |= {"ADMINDUK_LOAD_STEADY": str(steady_mark)}
        before, locust_started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
        locust = subprocess.Popen(
            [PYTHON, "-m", "locust", "-f", str(Path(__file__).with_name("load_locustfile.py")), "--headless", "--only-summary",
             "-u", str(args.users), "-r", str(args.spawn_rate),
             "--host", f"http://127.0.0.1:{port}", "--csv", str(data_dir / "stats"), "--loglevel", "WARNING", "--exit-code-on-error", "0"],
            env=locust_env, stdout=subprocess.DEVNULL,
        )
        # The steady state starts once every user has logged in (the locustfile resets its
        # statistics then and writes the mark) and lasts --duration seconds.
        deadline = time.monotonic() + spawn_seconds + 600
        while not steady_mark.exists() and locust.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        if not steady_mark.exists():
            locust.kill()
            raise SystemExit("the users did not all log in within ten minutes of starting")
        print(f"every user logged in {time.monotonic() - locust_started:.0f} s after the first started; measuring {args.duration} s", flush=True)
        sampler = SteadyCpu(server.pid)
        sampler.start()
        time.sleep(args.duration)
        sampler.stop()
        locust.send_signal(signal.SIGTERM)  # locust stops its users and writes its statistics
        locust.wait(timeout=120)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        locust_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        end_load = load_average()
        report(data_dir, times, args, end_load, sampler, locust_cpu / (time.monotonic() - locust_started))
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            print(f"kept: {url} and {data_dir}")
        else:
            admin_sql(args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def wait_for_health(port: int, server, data_dir: Path) -> None:
    import httpx

    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit("adminduk serve ended:\n" + (data_dir / "serve.log").read_text()[-3000:])
        time.sleep(0.5)
    raise SystemExit("adminduk serve did not answer /healthz")


def warm_up(port: int) -> None:
    """Until every worker has booted and answered: the first requests are not the measure."""
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
        for _ in range(40):
            client.get("/login/")


def report(data_dir: Path, times_file: Path, args, end_load: str, sampler: SteadyCpu, locust_cores: float) -> None:
    with open(data_dir / "stats_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    errors = 0
    print(f"\n{'page':<26} {'method':<6} {'requests':>9} {'errors':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for row in rows:
        if row["Name"] == "Aggregated":
            total = row
            continue
        errors += int(row["Failure Count"])
        print(f"{row['Name']:<26} {row['Type']:<6} {int(row['Request Count']):>9,} {int(row['Failure Count']):>7} "
              f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}")
    times = json.loads(times_file.read_text())
    reads, writes, logins = times["read"], times["write"], times["login"]
    errors = max(errors, len(times["errors"]))  # the table starts at the steady state; errors count from the first request
    for line in sorted(set(times["errors"]))[:10]:
        print(f"error: {line}")
    rps = float(total["Requests/s"])
    print(f"\n{int(total['Request Count']):,} requests, {rps:.1f} requests/s, {errors} errors, "
          f"{args.users} users, {args.residents:,} residents; load average at end {end_load} ({os.cpu_count()} cores)")
    if sampler.used and rps > 0:
        cores = {group: used / sampler.seconds for group, used in sampler.used.items()}
        print(f"CPU in the steady state: web server {cores['server']:.2f} cores ({cores['server'] / rps * 1000:.1f} ms a request), "
              f"PostgreSQL {cores['postgres']:.2f} cores ({cores['postgres'] / rps * 1000:.1f} ms a request), "
              f"locust about {locust_cores:.2f} cores (whole run), of {os.cpu_count()}")
    for kind, values, target in (("read", reads, READ_TARGET_MS), ("write", writes, WRITE_TARGET_MS)):
        if values:
            p95 = percentile(values, 0.95)
            print(f"{kind}s: {len(values):,}, p50 {percentile(values, 0.5):.0f} ms, p95 {p95:.0f} ms, p99 {percentile(values, 0.99):.0f} ms "
                  f"(target p95 < {target:.0f} ms: {'met' if p95 < target else 'NOT met'}); mean {statistics.fmean(values):.0f} ms")
    if logins:
        print(f"logins (each user once while the users start; argon2 password hashing, deliberately slow): {len(logins):,}, "
              f"p50 {percentile(logins, 0.5):.0f} ms, p95 {percentile(logins, 0.95):.0f} ms")
    print(f"RESULT load_users={args.users} users")
    print(f"RESULT load_requests_per_second={rps:.1f} req/s")
    print(f"RESULT load_errors={errors} requests")
    print(f"RESULT load_read_p95={percentile(reads, 0.95):.0f} ms")
    print(f"RESULT load_write_p95={percentile(writes, 0.95):.0f} ms")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_prepare":
        prepare_accounts(sys.argv[2], int(sys.argv[3]))
        sys.exit(0)
    sys.exit(main())
