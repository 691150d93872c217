"""Two real processes on loopback: a central (waitress + a throwaway PostgreSQL database) and a
kecamatan node (its own SQLite file), with a fault-injecting proxy between them. PostgreSQL only:
on the SQLite pass these tests are skipped."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from django.conf import settings

from .proxy import FaultProxy

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SCRIPTS = str(Path(__file__).with_name("scripts.py"))


def pytest_collection_modifyitems(config, items):
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="two-process sync tests need PostgreSQL (DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, base: Path):
        self.base = base
        admin_url = os.environ["DATABASE_URL"]
        parts = urlsplit(admin_url)
        self.admin_url = admin_url
        self.db_name = f"adminduk_faults_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.central_url_db = urlunsplit(parts._replace(path="/" + self.db_name))
        self.central_port = free_port()
        self.central_process = None
        self.node_process = None
        common = {k: v for k, v in os.environ.items() if not k.startswith("ADMINDUK_") and k != "DATABASE_URL"}
        common |= {"ADMINDUK_MODE": "test", "PYTHONPATH": str(ROOT)}
        self.central_env = common | {
            "ADMINDUK_ROLE": "central", "ADMINDUK_DATA_DIR": str(base / "central"), "DATABASE_URL": self.central_url_db,
            "ADMINDUK_HUEY_REAL": "1",  # processing's tasks are queued (SQLite Huey), not run inline
        }
        self.node_db = base / "node" / "node.sqlite3"
        self.node_env = common | {
            "ADMINDUK_ROLE": "node", "ADMINDUK_DATA_DIR": str(base / "node"), "DATABASE_URL": f"sqlite:///{self.node_db}",
            "ADMINDUK_HUEY_REAL": "1",
        }
        (base / "node").mkdir(parents=True)
        (base / "central").mkdir(parents=True)
        self.proxy = None
        self.station_id = None

    # --- processes -------------------------------------------------------------------------

    def run(self, env, *args, check=True, timeout=60) -> str:
        result = subprocess.run([PYTHON, *args], env=env, cwd=self.base, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result.stdout + result.stderr

    def adminduk(self, env, *args, **kwargs) -> str:
        return self.run(env, "-m", "adminduk", *args, **kwargs)

    def create_database(self):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db_name}"')

    def drop_database(self):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def start_central(self):
        log = open(self.base / "central" / "server.log", "ab")  # noqa: SIM115
        self.central_process = subprocess.Popen(
            [PYTHON, "-m", "waitress", f"--listen=127.0.0.1:{self.central_port}", "--threads=4", "adminduk.wsgi:application"],
            env=self.central_env, cwd=self.base, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.central_port}/api/sync/hello", timeout=2).status_code == 401:
                    return
            except httpx.HTTPError:
                pass
            assert self.central_process.poll() is None, (self.base / "central" / "server.log").read_text()[-3000:]
            time.sleep(0.2)
        raise AssertionError("the central did not start")

    def kill_central(self):
        self.central_process.send_signal(signal.SIGKILL)
        self.central_process.wait()

    def start_node_loop(self, *extra, skew: float = 0.0):
        log = open(self.base / "node" / "loop.log", "ab")  # noqa: SIM115
        command = [PYTHON, SCRIPTS, "node-with-clock-skew", str(skew), "node", "run", *extra]
        self.node_process = subprocess.Popen(command, env=self.node_env, cwd=self.base, stdout=log, stderr=subprocess.STDOUT)

    def kill_node(self):
        self.node_process.send_signal(signal.SIGKILL)
        self.node_process.wait()

    def stop(self):
        for process in (self.node_process, self.central_process):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()
        if self.proxy:
            self.proxy.close()

    # --- counting in both databases --------------------------------------------------------

    def node_counts(self) -> dict:
        with sqlite3.connect(self.node_db, timeout=30) as db:
            counts = dict(db.execute("SELECT state, COUNT(*) FROM sync_outboxpacket GROUP BY state").fetchall())
        return {s: counts.get(s, 0) for s in ("pending", "delivered", "rejected")}

    def node_ids(self) -> set[str]:
        with sqlite3.connect(self.node_db, timeout=30) as db:
            return {str(uuid.UUID(row[0])) for row in db.execute("SELECT id FROM sync_outboxpacket")}

    def central_query(self, sql: str):
        import psycopg

        with psycopg.connect(self.central_url_db, autocommit=True) as conn:
            return conn.execute(sql).fetchall()

    def central_ids(self) -> list[str]:
        return [str(row[0]) for row in self.central_query("SELECT id FROM sync_inboxpacket")]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("needs PostgreSQL")
    cluster = Cluster(tmp_path_factory.mktemp("sync-faults"))
    cluster.create_database()
    try:
        migrate_central = subprocess.Popen(
            [PYTHON, "-m", "adminduk", "migrate", "-v0"], env=cluster.central_env, cwd=cluster.base, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        cluster.adminduk(cluster.node_env, "node", "init")  # migrates the node and creates its key
        assert migrate_central.wait(timeout=300) == 0, migrate_central.stdout.read().decode()
        out = cluster.run(cluster.central_env, SCRIPTS, "setup-central", "72.71", "palu-mantikulore", str(cluster.base / "node" / "keys" / "station.pub"))
        values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        cluster.station_id = values["station"]
        cluster.node_env["ADMINDUK_CENTRAL_PUBLIC_KEY"] = values["central_key"]
        cluster.start_central()
        cluster.proxy = FaultProxy(("127.0.0.1", cluster.central_port)).start()
        cluster.adminduk(
            cluster.node_env, "node", "init", "--central", f"http://127.0.0.1:{cluster.proxy.port}", "--station-id", cluster.station_id,
            "--kota", "72.71", "--no-pull",
        )
        yield cluster
    finally:
        cluster.stop()
        cluster.drop_database()
