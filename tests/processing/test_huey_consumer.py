"""The pipeline's Huey tasks run out of process: a real queue (SQLite file, or Redis), a real
`adminduk run_huey` consumer with two workers, and a throwaway SQLite database of its own.

Every other processing test runs the tasks inline (MemoryHuey, immediate=True). Here a packet is
stored and signalled from one process, where it only lands in the queue; the test checks that
nothing ran, starts the consumer, and waits for the request to reach print_ready. A second
recording of the same person is then delivered while the consumer runs and must be caught as a
duplicate, which shows the workers share the biometric gallery through the database.

The same file is the script the subprocesses run (`python -m tests.processing.test_huey_consumer
enqueue ...`), so the packets are built exactly as tests/processing/helpers.py builds them.
"""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
MODULE = "tests.processing.test_huey_consumer"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_DBS = range(15, 7, -1)  # claimed one at a time, so parallel runs never share a queue
CLAIM_KEY = "adminduk:test-huey-consumer:claim"
QUEUE_NAME = "admindukcentral"  # how Huey's Redis storage spells settings.HUEY["name"] "adminduk-central"
STAGES = ["receive", "validate", "demographic", "biometric", "decide"]
JOURNAL = ["received", "validated", "dedup_pending"]  # then print_ready or duplicate_suspected
TIMEOUT = 60


# --- the subprocess side -----------------------------------------------------------------------


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
    import django

    django.setup()


def _station(office_code: str, name: str):
    from cryptography.hazmat.primitives import serialization

    from adminduk.accounts.stations import generate_keypair, register_station
    from adminduk.offices.models import Office

    keys = generate_keypair()
    station = register_station(office=Office.objects.get(code=office_code), name=name, kind="recording_station", public_key=keys.public_b64)
    station.private_key = serialization.load_pem_private_key(keys.private_pem, password=None)
    return station


def _store(station, identity: str, seed: int, **fields) -> dict:
    """Build a sealed, signed recording packet and store it as sync.ingest does: insert in a
    transaction, send packet_stored once it has committed."""
    import hashlib

    from django.db import transaction

    from adminduk.enrollment import packets
    from adminduk.sync.models import InboxPacket
    from adminduk.sync.signals import packet_stored

    from . import helpers

    data = helpers.demographics(**fields)
    packet_id, body = helpers.build(station, data, helpers.capture_parts(identity, seed=seed))
    with transaction.atomic():
        InboxPacket.objects.create(
            id=packet_id, station=station, kind=packets.KIND_RECORDING, body=body, size=len(body),
            sha256=hashlib.sha256(body).hexdigest(), device_time=helpers.NOW,
        )  # fmt: skip
        transaction.on_commit(lambda: packet_stored.send(sender=InboxPacket, packet_ids=[packet_id]))
    return {"packet_id": str(packet_id), "request_id": data["request_id"]}


def enqueue(which: str) -> None:
    """`first`: regions, offices and two stations, then two distinct persons' packets.
    `duplicate`: person A recorded again under another NIK at the other office."""
    _setup_django()
    from huey.contrib.djhuey import HUEY

    from adminduk.enrollment.models import KtpRequest
    from adminduk.offices.demo import create_demo_offices
    from adminduk.offices.models import Office
    from adminduk.processing.models import StageResult
    from adminduk.regions import codes, services

    from . import helpers

    if HUEY.immediate:
        raise SystemExit("Huey is in immediate mode: ADMINDUK_HUEY_REAL did not take effect")
    if which == "first":
        rows = [r for r in codes.shipped_region_rows() if r.code in ("72", "72.71") or r.code.startswith("72.71.")]
        services.load_regions(rows, villages_under="72.71")
        create_demo_offices("72.71")
    barat = {"office": "palu-barat", "kecamatan_code": "72.71.02"}
    if which == "first":
        mantikulore = helpers.make_station(Office.objects.get(code="palu-mantikulore"))
        palu_barat = helpers.make_station(Office.objects.get(code="palu-barat"))
        stored = [
            _store(mantikulore, "person-a", 1, nik="7271085705900001"),
            _store(palu_barat, "person-b", 2, nik="7271020101850002", full_name="ANDI WIJAYA", sex="L", birth_date="1985-01-01",
                   mother_name="HASNAH", **barat),  # fmt: skip
        ]
    else:
        # A station's private key lives only in this process, so this call registers its own.
        palu_barat = _station("palu-barat", "Perekaman 2")
        stored = [
            _store(palu_barat, "person-a", 3, nik="7271025705900003", full_name="SITI RAHMA", mother_name="HALIMAH", **barat),
        ]
    print(json.dumps({
        "huey": type(HUEY).__name__,
        "queued": HUEY.pending_count(),
        "packets": stored,
        "requests": KtpRequest.objects.filter(packet_id__in=[s["packet_id"] for s in stored]).count(),
        "stage_results": StageResult.objects.filter(packet_id__in=[s["packet_id"] for s in stored]).count(),
    }))  # fmt: skip


# --- the test side -----------------------------------------------------------------------------


def _run(env, *args, timeout=120) -> str:
    result = subprocess.run([PYTHON, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """One `adminduk migrate` into a template database; each test copies the file."""
    base = tmp_path_factory.mktemp("huey-template")
    _run(environment(base), "-m", "adminduk", "migrate", "-v0", timeout=300)
    return base / "central.sqlite3"


def environment(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADMINDUK_") and k != "DATABASE_URL"}
    return env | {
        "ADMINDUK_MODE": "test",
        "ADMINDUK_ROLE": "central",
        "ADMINDUK_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'central.sqlite3'}",
        "ADMINDUK_HUEY_REAL": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    } | extra


def query(database: Path, sql: str, *params) -> list[tuple]:
    """Read the consumer's database read-only, in a connection of its own."""
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def status(database: Path, request_id: str) -> str | None:
    rows = query(database, "SELECT status FROM enrollment_ktprequest WHERE id = ?", uuid.UUID(request_id).hex)
    return rows[0][0] if rows else None


def wait_for_status(database, request_id, wanted, consumer, log: Path) -> None:
    start = time.monotonic()
    while time.monotonic() - start < TIMEOUT:
        if status(database, request_id) == wanted:
            return
        assert consumer.poll() is None, f"the consumer exited ({consumer.returncode}):\n{log.read_text()[-4000:]}"
        time.sleep(0.1)
    raise AssertionError(f"request {request_id} is {status(database, request_id)!r}, not {wanted!r}, after {TIMEOUT}s:\n{log.read_text()[-4000:]}")


def stop(consumer: subprocess.Popen) -> int:
    """SIGINT is Huey's graceful shutdown: workers finish their task, then the consumer exits."""
    if consumer.poll() is None:
        consumer.send_signal(signal.SIGINT)
        try:
            consumer.wait(timeout=20)
        except subprocess.TimeoutExpired:
            consumer.kill()
            consumer.wait()
    return consumer.returncode


def run_pipeline_on_consumer(migrated: Path, data_dir: Path, expected_huey: str, **env_extra) -> None:
    database = data_dir / "central.sqlite3"
    shutil.copyfile(migrated, database)
    env = environment(data_dir, **env_extra)

    first = json.loads(_run(env, "-m", MODULE, "enqueue", "first"))
    # Stored and signalled, and still only queued: nothing ran in the process that enqueued.
    assert first["huey"] == expected_huey
    assert first["queued"] == 2 and first["requests"] == 0 and first["stage_results"] == 0
    assert query(database, "SELECT COUNT(*) FROM processing_stageresult") == [(0,)]
    assert query(database, "SELECT state FROM sync_inboxpacket") == [("received",), ("received",)]

    log = data_dir / "consumer.log"
    consumer = subprocess.Popen(
        [PYTHON, "-m", "adminduk", "run_huey", "--workers", "2", "--logfile", str(log)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        a, b = first["packets"]
        for packet in (a, b):
            wait_for_status(database, packet["request_id"], "print_ready", consumer, log)

        # While the consumer runs: the same person again under another NIK, at another office.
        again = json.loads(_run(env, "-m", MODULE, "enqueue", "duplicate"))
        assert again["stage_results"] == 0
        (c,) = again["packets"]
        wait_for_status(database, c["request_id"], "duplicate_suspected", consumer, log)
        # Each status change commits with its stage's result: all 3 × 5 results are in.
        assert query(database, "SELECT COUNT(*) FROM processing_stageresult") == [(15,)]
    finally:
        code = stop(consumer)
    output = log.read_text()
    assert code == 0, output[-4000:]

    for packet in (a, b, c):
        stages = query(database, "SELECT stage FROM processing_stageresult WHERE packet_id = ? ORDER BY id", uuid.UUID(packet["packet_id"]).hex)
        assert [s for (s,) in stages] == STAGES
    for packet, last in ((a, "print_ready"), (b, "print_ready"), (c, "duplicate_suspected")):
        journal = query(database, "SELECT to_status FROM enrollment_ktprequestevent WHERE request_id = ? ORDER BY at, id", uuid.UUID(packet["request_id"]).hex)
        assert [s for (s,) in journal] == [*JOURNAL, last]
    assert query(database, "SELECT state FROM sync_inboxpacket ORDER BY received_at") == [("processed",)] * 3
    matched = query(database, "SELECT matched_request_id, checks FROM processing_adjudication WHERE request_id = ?", uuid.UUID(c["request_id"]).hex)
    assert matched == [(uuid.UUID(a["request_id"]).hex, '["biometric"]')]
    assert query(database, "SELECT COUNT(*) FROM biometrics_enrolledtemplate") == [(3,)]
    # One task per stage, each finished first time (no retry, no error), all in the consumer's
    # workers (a worker thread's name, or a worker process's pid), none in its main process.
    lines = output.splitlines()
    started = [line.split(":")[2] for line in lines if "Executing adminduk.processing.tasks.run_stage" in line]
    finished = [line for line in lines if "processing.tasks.run_stage: " in line and " executed in " in line]
    assert len(started) == 15 and len(finished) == 15, output[-4000:]
    assert not set(started) & {"MainThread", str(consumer.pid)}, started
    assert "Huey consumer started with 2 " in output
    assert "Unhandled exception" not in output and "Traceback" not in output, output[-4000:]


def test_sqlite_queue_consumer_runs_the_pipeline(migrated, tmp_path):
    run_pipeline_on_consumer(migrated, tmp_path, "SqliteHuey")


@pytest.fixture
def redis_db():
    """A Redis database number claimed for this test; skipped when Redis is not there."""
    redis = pytest.importorskip("redis", reason="the redis client is not installed (pip install redis)")
    token = uuid.uuid4().hex
    try:
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_HOST}:{REDIS_PORT} is unreachable ({exc})")
    for number in REDIS_DBS:
        conn = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number)
        if conn.set(CLAIM_KEY, token, nx=True, ex=300):
            break
    else:
        pytest.skip(f"every Redis database {REDIS_DBS.stop + 1}-{REDIS_DBS.start} is claimed by another run")

    def clear_queue():  # only this queue's keys; anything else in the database is left alone
        for key in conn.scan_iter(f"huey.*{QUEUE_NAME}*"):
            conn.delete(key)

    clear_queue()
    try:
        yield number
    finally:
        clear_queue()
        if conn.get(CLAIM_KEY) == token.encode():
            conn.delete(CLAIM_KEY)


def test_redis_queue_consumer_runs_the_pipeline(migrated, tmp_path, redis_db):
    run_pipeline_on_consumer(migrated, tmp_path, "PriorityRedisHuey", ADMINDUK_REDIS_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/{redis_db}")


if __name__ == "__main__":
    if sys.argv[1:2] != ["enqueue"] or sys.argv[2:] not in (["first"], ["duplicate"]):
        sys.exit(f"usage: python -m {MODULE} enqueue first|duplicate")
    enqueue(sys.argv[2])
