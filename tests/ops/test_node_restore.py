"""A node restored from yesterday's backup re-syncs without losing or duplicating a packet: its
outbox sends again what the backup still had pending, the central recognises what it stored.

Two real processes on loopback, whatever the test run's database: a central served by
`adminduk serve` (gunicorn) on its own SQLite file, and a node with its own data directory;
then the node's disk is "lost" and the node is restored onto an empty data directory."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = str(ROOT / "tests" / "faults" / "scripts.py")
PASSPHRASE = "cadangan node mantikulore 2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(env, *args, check=True):
    result = subprocess.run([sys.executable, *args], env=env, cwd=env["ADMINDUK_DATA_DIR"], capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result


def adminduk(env, *args, check=True):
    return run(env, "-m", "adminduk", *args, check=check)


def outbox(database: Path) -> dict[str, set[str]]:
    with sqlite3.connect(database, timeout=30) as db:
        rows = db.execute("SELECT id, state FROM sync_outboxpacket").fetchall()
    states = {"pending": set(), "delivered": set(), "rejected": set()}
    for packet_id, state in rows:
        states[state].add(str(uuid.UUID(packet_id)))
    return states


def inbox(database: Path) -> list[str]:
    with sqlite3.connect(database, timeout=30) as db:
        return [str(uuid.UUID(row[0])) for row in db.execute("SELECT id FROM sync_inboxpacket")]


def duplicates_recognised(database: Path) -> int:
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute("SELECT COALESCE(SUM(packets_duplicate), 0) FROM sync_nodeheartbeat").fetchone()[0]


@pytest.fixture
def central_and_node(tmp_path):
    common = {k: v for k, v in os.environ.items() if not k.startswith("ADMINDUK_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    common |= {"ADMINDUK_MODE": "test", "ADMINDUK_HUEY_REAL": "1", "PYTHONPATH": str(ROOT)}
    central_dir, node_dir = tmp_path / "central", tmp_path / "node"
    central_dir.mkdir()
    node_dir.mkdir()
    central = common | {"ADMINDUK_ROLE": "central", "ADMINDUK_DATA_DIR": str(central_dir)}
    node = common | {"ADMINDUK_ROLE": "node", "ADMINDUK_DATA_DIR": str(node_dir)}
    migrate = subprocess.Popen([sys.executable, "-m", "adminduk", "migrate", "-v0"], env=central, cwd=central_dir)
    adminduk(node, "node", "init")  # migrates the node and makes its key
    assert migrate.wait(timeout=600) == 0
    out = run(central, SCRIPTS, "setup-central", "72.71", "palu-mantikulore", str(node_dir / "keys" / "station.pub")).stdout
    values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    node["ADMINDUK_CENTRAL_PUBLIC_KEY"] = values["central_key"]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "adminduk", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--graceful-timeout", "5"],
        env=central, cwd=central_dir, stdout=open(central_dir / "serve.log", "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, (central_dir / "serve.log").read_text()[-3000:]
            time.sleep(0.3)
        else:
            pytest.fail("adminduk serve did not answer /healthz")
        adminduk(node, "node", "init", "--central", f"http://127.0.0.1:{port}", "--station-id", values["station"], "--kota", "72.71", "--no-pull")
        yield central_dir / "adminduk.sqlite3", node
    finally:
        server.terminate()  # gunicorn: graceful stop
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def test_a_node_restored_from_yesterdays_backup_resyncs_exactly_once(central_and_node, tmp_path):
    central_db, node = central_and_node
    node_dir = Path(node["ADMINDUK_DATA_DIR"])
    node_db = node_dir / "adminduk.sqlite3"
    sync = ("node", "sync", "--no-progress")

    # Day 1: five recordings wait in the outbox when the nightly backup runs.
    run(node, SCRIPTS, "make-packets", "5")
    yesterday = outbox(node_db)["pending"]
    archive = tmp_path / "node-yesterday.backup"
    adminduk(node | {"ADMINDUK_BACKUP_PASSPHRASE": PASSPHRASE}, "backup", "--output", str(archive))
    # Day 2: they are delivered, three more are recorded and delivered too.
    adminduk(node, *sync)
    run(node, SCRIPTS, "make-packets", "3")
    adminduk(node, *sync)
    today = outbox(node_db)["delivered"] - yesterday
    assert len(today) == 3 and sorted(inbox(central_db)) == sorted(yesterday | today)

    # The node's disk dies: a new machine, an empty data directory, yesterday's backup.
    shutil.rmtree(node_dir)
    node_dir.mkdir()
    wrong = adminduk(node | {"ADMINDUK_BACKUP_PASSPHRASE": "not the passphrase at all"}, "restore", str(archive), check=False)
    assert wrong.returncode != 0 and "Traceback" not in wrong.stderr and "passphrase" in wrong.stderr
    assert not node_db.exists()
    adminduk(node | {"ADMINDUK_BACKUP_PASSPHRASE": PASSPHRASE}, "restore", str(archive))
    assert (node_dir / "keys" / "station.key").exists()
    adminduk(node, "migrate", "-v0")
    assert outbox(node_db)["pending"] == yesterday  # yesterday's state: the five wait again

    # It syncs: the five go out again, the central recognises each, nothing is stored twice.
    before = duplicates_recognised(central_db)
    adminduk(node, *sync)
    assert outbox(node_db) == {"pending": set(), "delivered": yesterday, "rejected": set()}
    stored = inbox(central_db)
    assert len(stored) == len(set(stored)) == 8 and set(stored) == yesterday | today  # 0 lost, 0 duplicated
    assert duplicates_recognised(central_db) - before == 5
    # And it keeps working: its restored key still signs, new recordings arrive once.
    run(node, SCRIPTS, "make-packets", "2")
    adminduk(node, *sync)
    assert len(inbox(central_db)) == 10 and not outbox(node_db)["pending"]
