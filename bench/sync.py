"""Benchmark of sync: central ingest throughput and link utilisation at 1 Mbit/s.

    .venv/bin/python bench/sync.py --database-url postgres://postgres@127.0.0.1:5432/postgres

A throwaway PostgreSQL database is created (and dropped at the end) for the central.

(a) Central ingest, batched, on PostgreSQL: `sync.ingest.ingest_batch` run directly (checks,
    signature verification, INSERT … ON CONFLICT, RejectedDelivery, heartbeat, and the
    packet_stored receivers enqueueing processing tasks in an in-memory Huey), then the same
    over HTTP on loopback (a waitress process, signed requests, binary batches).
    Target: at least 2,000 packets/s.
(b) A node (its own SQLite database, a separate process) pushes recording-sized packets to the
    central through a token-bucket proxy throttled to 1 Mbit/s in each direction. Utilisation =
    packet bytes delivered / (1 Mbit/s × elapsed). Target: at least 90 %.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
SCRIPTS = str(ROOT / "tests" / "faults" / "scripts.py")
TARGET_INGEST = 2000
TARGET_UTILISATION = 0.90
LINK_BPS = 1_000_000


def env_for(role: str, data_dir: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADMINDUK_") and k != "DATABASE_URL"}
    return env | {
        "ADMINDUK_MODE": "test", "ADMINDUK_ROLE": role, "ADMINDUK_DATA_DIR": str(data_dir), "DATABASE_URL": database_url,
        "ADMINDUK_HUEY_REAL": "1", "PYTHONPATH": str(ROOT),
    }


def run(env, *args, capture=True) -> str:
    result = subprocess.run([PYTHON, *args], env=env, capture_output=capture, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{args} failed:\n{result.stdout}\n{result.stderr}")
    return (result.stdout or "") + (result.stderr or "")


# --- (a) in the central's environment ------------------------------------------------------------


def ingest_child(count: int, size: int, batch: int, receivers: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
    import django

    django.setup()
    import datetime as dt

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from huey.contrib.djhuey import HUEY

    from adminduk.accounts import stations
    from adminduk.accounts.models import Station
    from adminduk.enrollment import packets, sealing
    from adminduk.offices.models import Office
    from adminduk.sync import ingest
    from adminduk.sync.models import InboxPacket

    HUEY.immediate = False  # enqueue processing tasks, do not run them here
    if receivers == "detached":
        from adminduk.sync.signals import packet_stored

        packet_stored.receivers = []  # storage and acknowledgement alone
    import base64

    from cryptography.hazmat.primitives import serialization

    key = Ed25519PrivateKey.generate()
    public = base64.b64encode(key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
    station = stations.register_station(
        office=Office.objects.get(code="palu-mantikulore"), name=f"bench-{uuid.uuid4().hex[:6]}", kind=Station.Kind.NODE, public_key=public
    )
    central = sealing.central_public_key()
    filler = os.urandom(max(0, size - 400))
    bodies = []
    for _ in range(count):
        packet_id = uuid.uuid4()
        part = packets.seal_part(packet_id, "demographics", filler, central)
        bodies.append(packets.build_packet(
            packet_id=packet_id, station_id=station.pk, kind=packets.KIND_RECORDING, sealed_parts={"demographics": part},
            private_key=key, created_at=dt.datetime.now(dt.UTC),
        ))
    before = InboxPacket.objects.count()
    profiler = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    for start in range(0, count, batch):
        report = ingest.ingest_batch(station, bodies[start : start + batch])
        ingest.touch_heartbeat(station, backlog=0, offset=0.0, push=report)
    elapsed = time.perf_counter() - started
    if profiler:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    stored = InboxPacket.objects.count() - before
    assert stored == count, (stored, count)
    print(json.dumps({"packets": count, "bytes": sum(map(len, bodies)), "seconds": elapsed, "station": str(station.pk)}))
    # Keep the key for the HTTP part.
    Path(os.environ["ADMINDUK_DATA_DIR"], f"bench-{station.pk}.key").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


# --- (b) in the node's environment ---------------------------------------------------------------


def link_child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
    import django

    django.setup()
    from adminduk.sync import client
    from adminduk.sync.models import OutboxPacket

    payload = sum(OutboxPacket.objects.filter(state="pending").values_list("size", flat=True))
    with client.NodeClient() as node:
        node.hello()  # connection and limits, as the background loop has them before a round
        started = time.perf_counter()
        outcome = node.sync(pull=False)
        elapsed = time.perf_counter() - started
    assert OutboxPacket.objects.filter(state="pending").count() == 0
    print(json.dumps({"payload": payload, "seconds": elapsed, "batches": outcome.pushed.sent and None, "delivered": outcome.pushed.delivered}))


# --- orchestration -------------------------------------------------------------------------------


def http_ingest(port: int, station_id: str, key_file: Path, count: int, batch: int) -> dict:
    import datetime as dt

    import httpx
    from cryptography.hazmat.primitives import serialization

    from adminduk.enrollment import packets
    from adminduk.sync import protocol

    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    central_pub = (key_file.parent / "keys" / "central-x25519.pub").read_text().strip()
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    import base64

    central = X25519PublicKey.from_public_bytes(base64.b64decode(central_pub))
    bodies = []
    for _ in range(count):
        packet_id = uuid.uuid4()
        part = packets.seal_part(packet_id, "demographics", os.urandom(200), central)
        bodies.append(packets.build_packet(
            packet_id=packet_id, station_id=uuid.UUID(station_id), kind=packets.KIND_RECORDING, sealed_parts={"demographics": part},
            private_key=key, created_at=dt.datetime.now(dt.UTC),
        ))
    batches = [protocol.encode_batch(bodies[i : i + batch]) for i in range(0, count, batch)]
    stored = 0
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
        started = time.perf_counter()
        for body in batches:
            headers = protocol.sign_headers(key, station_id, "POST", "/api/sync/push", body, now=time.time(), backlog=0)
            headers["Content-Type"] = protocol.BATCH_CONTENT_TYPE
            response = http.post("/api/sync/push", content=body, headers=headers)
            response.raise_for_status()
            stored += response.json()["stored"]
        elapsed = time.perf_counter() - started
    assert stored == count, (stored, count)
    return {"packets": count, "seconds": elapsed, "bytes": sum(map(len, batches))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--packets", type=int, default=20_000, help="packets for the ingest measurement")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--link-packets", type=int, default=40, help="recording-sized packets sent over the 1 Mbit/s link")
    parser.add_argument("--link-packet-bytes", type=int, default=60_000)
    args = parser.parse_args()

    import psycopg

    parts = urlsplit(args.database_url)
    db_name = f"adminduk_bench_sync_{os.getpid()}"
    central_url = urlunsplit(parts._replace(path="/" + db_name))
    base = Path(tempfile.mkdtemp(prefix="adminduk-bench-sync-"))
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db_name}"')
    server = None
    try:
        central_env = env_for("central", base / "central", central_url)
        node_env = env_for("node", base / "node", f"sqlite:///{base / 'node' / 'node.sqlite3'}")
        (base / "central").mkdir()
        (base / "node").mkdir()
        print("setting up a central (PostgreSQL) and a node (SQLite)…", flush=True)
        run(central_env, "-m", "adminduk", "migrate", "-v0")
        run(node_env, "-m", "adminduk", "node", "init")
        out = run(central_env, SCRIPTS, "setup-central", "72.71", "palu-mantikulore", str(base / "node" / "keys" / "station.pub"))
        values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        node_env["ADMINDUK_CENTRAL_PUBLIC_KEY"] = values["central_key"]

        # (a) direct
        for size, receivers in ((600, "detached"), (16_000, "detached"), (600, "attached")):
            count = args.packets if size < 1000 else args.packets // 4
            output = run(central_env, __file__, "--child-ingest", str(count), str(size), str(args.batch), receivers)
            if os.environ.get("BENCH_PROFILE"):
                print(output)
            data = json.loads(next(line for line in reversed(output.splitlines()) if line.startswith("{")))
            rate = data["packets"] / data["seconds"]
            what = "storage + acknowledgement" if receivers == "detached" else "with processing's packet_stored receiver (SQLite Huey)"
            print(
                f"(a) ingest direct, {what}, batches of {args.batch}, ~{size:,} B packets: {data['packets']:,} in {data['seconds']:.2f} s "
                f"= {rate:,.0f} packets/s ({data['bytes'] / data['seconds'] / 1e6:,.1f} MB/s)  "
                f"[target ≥ {TARGET_INGEST:,}: {'OK' if rate >= TARGET_INGEST else 'MISSED'}]",
                flush=True,
            )
        # (a) over HTTP on loopback
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        log = open(base / "central" / "server.log", "ab")  # noqa: SIM115
        server = subprocess.Popen(
            [PYTHON, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--threads=4", "adminduk.wsgi:application"],
            env=central_env, stdout=log, stderr=subprocess.STDOUT,
        )
        import httpx

        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/sync/hello", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        key_file = next((base / "central").glob("bench-*.key"))
        station_id = key_file.stem.removeprefix("bench-")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
        os.environ.update({"ADMINDUK_MODE": "test", "ADMINDUK_DATA_DIR": str(base / "orchestrator")})
        data = http_ingest(port, station_id, key_file, args.packets // 2, args.batch)
        rate = data["packets"] / data["seconds"]
        print(
            f"(a) ingest over HTTP (waitress, loopback, one client, processing receiver attached), batches of {args.batch}: {data['packets']:,} packets in "
            f"{data['seconds']:.2f} s = {rate:,.0f} packets/s  [target ≥ {TARGET_INGEST:,}: {'OK' if rate >= TARGET_INGEST else 'MISSED'}]",
            flush=True,
        )

        # (b) the 1 Mbit/s link
        from tests.faults.proxy import ThrottledProxy

        proxy = ThrottledProxy(("127.0.0.1", port), rate_bps=LINK_BPS).start()
        run(node_env, "-m", "adminduk", "node", "init", "--central", f"http://127.0.0.1:{proxy.port}", "--station-id", values["station"], "--kota", "72.71", "--no-pull")
        run(node_env, SCRIPTS, "make-packets-sized", str(args.link_packets), str(args.link_packet_bytes))
        data = json.loads(run(node_env, __file__, "--child-link").splitlines()[-1])
        utilisation = data["payload"] * 8 / (LINK_BPS * data["seconds"])
        print(
            f"(b) link 1 Mbit/s (token bucket): {data['delivered']} packets, {data['payload']:,} B of packets in {data['seconds']:.1f} s "
            f"= {data['payload'] * 8 / data['seconds'] / 1000:,.0f} kbit/s, utilisation {utilisation:.1%}  "
            f"[target ≥ {TARGET_UTILISATION:.0%}: {'OK' if utilisation >= TARGET_UTILISATION else 'MISSED'}]",
            flush=True,
        )
        proxy.close()
    finally:
        if server is not None:
            server.kill()
            server.wait()
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child-ingest":
        ingest_child(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif len(sys.argv) > 1 and sys.argv[1] == "--child-link":
        link_child()
    else:
        main()
