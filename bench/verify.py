"""Benchmark of document verification through the JSON API (GET /api/documents/verify/TOKEN).

    nice .venv/bin/python bench/verify.py            # 5,000 documents, 20,000 + 10,000 requests
    nice .venv/bin/python bench/verify.py --quick    # 500 documents, 3,000 + 2,000 requests, under a minute
    .venv/bin/python bench/verify.py --database-url postgres://postgres@127.0.0.1:5432/postgres

Makes a throwaway database (SQLite file, or a PostgreSQL database dropped afterwards), issues
--documents documents through the real issuing path (numbers from blocks, signed tokens; one in
ten superseded, one in twenty revoked), and asks for their verdicts, one in ten requests with a
tampered token:

  (1) in-process: (a) the API operation itself (documents.api.verify: signature, register
      lookup, the answer's facts) and (b) the whole WSGI application (every middleware, URL
      routing, the API and its JSON answer; no sockets): verifications per second.
      Target >= 1,000/s.
  (2) over HTTP: `adminduk serve` in production mode (gunicorn, its default workers) on
      loopback and 50 concurrent clients, each with its own keep-alive connection, in two
      phases: (a) paced, each client verifying again after 0.2-0.6 s (a person holding up the
      next document to a phone; about 125 verifications a second in all): p50/p95 latency, the
      target p95 < 50 ms applies here; (b) closed loop, each client asking again the moment its
      answer arrives: the server's saturation throughput (its latency is then queueing:
      50 clients / throughput).
The machine's load average is printed beside the figures (shared cores make them vary).
"""

import argparse
import os
import io
import logging
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
PYTHON = sys.executable
TARGET_PER_S = 1000
TARGET_P95_MS = 50.0
CLIENTS = 50


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=20000, help="in-process requests")
    parser.add_argument("--http-requests", type=int, default=10000, help="requests of each HTTP phase")
    parser.add_argument("--quick", action="store_true", help="500 documents, 3,000 + 2,000 requests")
    parser.add_argument("--database-url", help="postgres://user@host:port/db (default: a SQLite temp file)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.quick:
        args.documents, args.requests, args.http_requests = 500, 3000, 2000
    if args.documents < 10 or args.requests < 1 or args.http_requests < CLIENTS:
        parser.error(f"--documents must be at least 10, --requests at least 1, --http-requests at least {CLIENTS}")
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a postgres:// URL")

    data_dir = tempfile.mkdtemp(prefix="adminduk-bench-verify-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADMINDUK_") and k != "DATABASE_URL"}
    env |= {"ADMINDUK_MODE": "test", "ADMINDUK_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "adminduk.settings",
            "PYTHONPATH": str(ROOT / "src"), "ADMINDUK_LOG_LEVEL": "WARNING"}
    database = None
    server = None
    try:
        if args.database_url:
            from _setup import ThrowawayPostgres

            database = ThrowawayPostgres(args.database_url).__enter__()
            env["DATABASE_URL"] = database.url
        else:
            env["DATABASE_URL"] = f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}"
        os.environ.update(env)
        sys.path.insert(0, str(ROOT / "src"))
        print(f"migrating a throwaway {'PostgreSQL' if database else 'SQLite'} database…", flush=True)
        subprocess.run([PYTHON, "-m", "adminduk", "migrate", "-v0"], env=env, check=True)
        import django

        django.setup()
        logging.getLogger("django.request").setLevel(logging.ERROR)  # the tampered tokens' 404s
        tokens = seed(args)
        rng = random.Random(args.seed)
        asked = [_maybe_tampered(rng.choice(tokens), rng) for _ in range(max(args.requests, args.http_requests))]
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(in_process, asked[:300])
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            return 0
        in_process(asked[: args.requests])
        from django.db import connections

        connections.close_all()
        port = _free_port()
        serve_env = env | {"ADMINDUK_MODE": "production", "ADMINDUK_SECRET_KEY": secrets.token_urlsafe(64), "ADMINDUK_INSECURE_COOKIES": "1"}
        server = subprocess.Popen([PYTHON, "-m", "adminduk", "serve", "--bind", f"127.0.0.1:{port}"], env=serve_env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        over_http(port, asked[: args.http_requests], server)
        return 0
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=40)
        if database:
            database.__exit__(None, None, None)
        shutil.rmtree(data_dir, ignore_errors=True)


def seed(args) -> list[str]:
    from django.db import transaction

    from adminduk.documents import issuing, services
    from adminduk.offices.models import Office

    office = _office()
    started = time.perf_counter()
    tokens, documents = [], []
    kinds = ["akta_kelahiran", "akta_kematian", "kk", "kia"]
    for n in range(args.documents):
        kind = kinds[n % len(kinds)]
        payload = {"nik": f"727108{(n % 28) + 1:02d}0126{n % 10000:04d}", "nama": f"Penduduk Bench {n}", "kabupaten_kota": "Kota Palu",
                   "anggota": [{"nama": f"Penduduk Bench {n}", "nik": f"727108{(n % 28) + 1:02d}0126{n % 10000:04d}"}]}
        if kind == "kia":
            payload["nik"] = f"7271{n:012d}"[:16]
        with transaction.atomic():
            document = services.issue_rendered(kind, payload, office=office)
        documents.append(document)
        tokens.append(document.token)
    for n, document in enumerate(documents):
        if n % 10 == 3 and document.kind == "kk":
            with transaction.atomic():
                services.issue_rendered("kk", dict(document.payload), office=office, supersedes=document)
        elif n % 20 == 7:
            issuing.revoke_document(document, reason="bench")
    seconds = time.perf_counter() - started
    print(f"issued {len(tokens):,} documents (+ superseding KKs, revocations) in {seconds:.1f} s = {len(tokens) / seconds:,.0f} issued/s "
          f"[{Office.objects.count()} office]", flush=True)
    return tokens


def _office():
    from adminduk.offices.models import Office
    from adminduk.regions.models import Kecamatan, Province, Regency

    Province.objects.get_or_create(code="72", defaults={"name": "Sulawesi Tengah"})
    Regency.objects.get_or_create(code="72.71", defaults={"name": "Kota Palu", "province_id": "72"})
    Kecamatan.objects.get_or_create(code="72.71.08", defaults={"name": "Mantikulore", "regency_id": "72.71"})
    office, _created = Office.objects.get_or_create(
        code="palu-mantikulore", defaults={"name": "Kantor Camat Mantikulore", "kind": Office.Kind.KECAMATAN, "regency_id": "72.71", "kecamatan_id": "72.71.08"})
    return office


def _maybe_tampered(token: str, rng: random.Random) -> str:
    if rng.random() >= 0.1:
        return token
    i = rng.randrange(20, len(token) - 90)
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def in_process(tokens: list[str]) -> None:

    from adminduk.documents import api

    started = time.perf_counter()
    for token in tokens:
        api.verify(None, token)  # the API operation itself: verdict and the facts it answers with
    seconds = time.perf_counter() - started
    rate = len(tokens) / seconds
    print(f"(1a) in-process API operation (documents.api.verify, no HTTP stack): {len(tokens):,} verifications in {seconds:.2f} s = {rate:,.0f}/s "
          f"[target >= {TARGET_PER_S:,}/s: {'OK' if rate >= TARGET_PER_S else 'MISSED'}] load {_load()}", flush=True)
    print(f"RESULT verify_operation_per_s={rate:.0f} 1/s", flush=True)

    from adminduk.wsgi import application

    logging.getLogger("django.request").setLevel(logging.ERROR)  # set-up configured logging again: the tampered tokens' 404s

    def call(path: str) -> int:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "localhost", "SERVER_PORT": "80",
                   "HTTP_HOST": "localhost", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
                   "wsgi.url_scheme": "http", "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": False,
                   "wsgi.run_once": False}
        answer = []
        body = application(environ, lambda status, headers, exc_info=None: answer.append(status))
        try:
            b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        return int(answer[0].split()[0])

    for token in tokens[:50]:
        call(f"/api/documents/verify/{token}")  # warm caches and imports
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    for token in tokens:
        code = call(f"/api/documents/verify/{token}")
        statuses[code] = statuses.get(code, 0) + 1
    seconds = time.perf_counter() - started
    rate = len(tokens) / seconds
    print(f"(1b) in-process WSGI application (every middleware, routing, API, JSON): {len(tokens):,} verifications in {seconds:.2f} s = {rate:,.0f}/s "
          f"(answers {dict(sorted(statuses.items()))}) [target >= {TARGET_PER_S:,}/s: {'OK' if rate >= TARGET_PER_S else 'MISSED'}] "
          f"load {_load()}", flush=True)
    print(f"RESULT verify_inprocess_per_s={rate:.0f} 1/s", flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def over_http(port: int, tokens: list[str], server) -> None:
    import httpx

    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # the first start collects and compresses the static files
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("adminduk serve ended before answering")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    else:
        raise SystemExit("adminduk serve did not answer /healthz")
    with httpx.Client(base_url=base) as http:  # every worker imports and warms up before the clock starts
        for token in tokens[:100]:
            http.get(f"/api/documents/verify/{token}")
    paced = _drive(base, tokens, pause=(0.2, 0.6))
    closed = _drive(base, tokens, pause=None)
    _report("(2a) over HTTP, paced", paced, target=True)
    _report("(2b) over HTTP, closed loop", closed, target=False)
    print(f"RESULT verify_http_per_s={closed['rate']:.0f} 1/s", flush=True)
    print(f"RESULT verify_http_p50_ms={paced['p50']:.1f} ms", flush=True)
    print(f"RESULT verify_http_p95_ms={paced['p95']:.1f} ms", flush=True)
    print(f"RESULT verify_http_saturated_p95_ms={closed['p95']:.1f} ms", flush=True)


def _drive(base: str, tokens: list[str], *, pause) -> dict:
    """CLIENTS threads, each with its own keep-alive connection, sharing out `tokens`."""
    import httpx

    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    chunks = [tokens[i::CLIENTS] for i in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS + 1)

    def client(n, chunk):
        mine, rng = [], random.Random(n)
        with httpx.Client(base_url=base, timeout=30) as http:
            http.get(f"/api/documents/verify/{chunk[0]}")  # open the connection
            barrier.wait()
            for token in chunk:
                if pause:
                    time.sleep(rng.uniform(*pause))
                t0 = time.perf_counter()
                response = http.get(f"/api/documents/verify/{token}")
                mine.append((time.perf_counter() - t0) * 1000)
                if response.status_code not in (200, 404):
                    errors.append(response.status_code)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n, chunk)) for n, chunk in enumerate(chunks)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    return {"n": len(latencies), "seconds": seconds, "rate": len(latencies) / seconds, "p50": statistics.median(latencies),
            "p95": latencies[int(len(latencies) * 0.95) - 1], "errors": len(errors)}


def _report(label: str, figures: dict, *, target: bool) -> None:
    verdict = f" [target p95 < {TARGET_P95_MS:.0f} ms: {'OK' if figures['p95'] < TARGET_P95_MS else 'MISSED'}]" if target else ""
    print(f"{label} (adminduk serve, loopback, {CLIENTS} concurrent clients): {figures['n']:,} verifications in {figures['seconds']:.2f} s "
          f"= {figures['rate']:,.0f}/s, p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, errors {figures['errors']}{verdict} "
          f"load {_load()}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
