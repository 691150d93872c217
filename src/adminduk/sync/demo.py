"""A kecamatan node beside the demo central, on the same machine: its own data directory and
SQLite database, its station registered at the central, its background sync loop and its web UI
on another port. Used by `adminduk demo`."""

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from adminduk.accounts import stations
from adminduk.accounts.models import Station
from adminduk.core.envfile import ENV_FILE_NAME, write_env_file
from adminduk.core.processes import start_child, stop_children
from adminduk.enrollment import sealing
from adminduk.offices.models import Office

DEMO_NODE_OFFICE = "palu-mantikulore"


@dataclass
class DemoNode:
    office: Office
    station: Station
    data_dir: Path
    url: str
    processes: list = field(default_factory=list)

    def stop(self):
        stop_children(self.processes)


def node_environment(data_dir: Path, station: Station) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "ADMINDUK_MODE": "demo",
            "ADMINDUK_ROLE": "node",
            "ADMINDUK_DATA_DIR": str(data_dir),
            "DATABASE_URL": f"sqlite:///{data_dir / 'adminduk.sqlite3'}",
            "ADMINDUK_STATION_ID": str(station.pk),
            "ADMINDUK_KEY_DIR": str(data_dir / "keys"),
            "ADMINDUK_CENTRAL_PUBLIC_KEY": sealing.public_key_b64(sealing.central_public_key()),
        }
    )
    env.pop("ADMINDUK_CENTRAL_URL", None)
    return env


@transaction.atomic
def register_node_station(office: Office, key_dir: Path) -> Station:
    """The node's key (created once in its own key directory) registered at this central."""
    if not (key_dir / "station.key").exists():
        stations.write_keypair(key_dir)
    public = (key_dir / "station.pub").read_text().strip()
    station = Station.objects.filter(public_key=public).first()
    if station is None:
        station = stations.register_station(office=office, name=f"node-{office.code}", kind=Station.Kind.NODE, public_key=public)
    return station


def adminduk_command(*args) -> list[str]:
    return [sys.executable, "-m", "adminduk", *args]


def prepare_demo_node(*, central_url: str, office_code: str = DEMO_NODE_OFFICE, addr: str = "localhost:8001", stdout=None) -> DemoNode:
    office = Office.objects.get(code=office_code)
    data_dir = Path(settings.DATA_DIR) / f"node-{office_code}"
    data_dir.mkdir(parents=True, exist_ok=True)
    station = register_node_station(office, data_dir / "keys")
    env = node_environment(data_dir, station)
    result = subprocess.run(
        adminduk_command("node", "init", "--central", central_url, "--station-id", str(station.pk), "--no-pull"),
        env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"setting up the demo node failed:\n{result.stdout}\n{result.stderr}")
    # `ADMINDUK_DATA_DIR=<data_dir> adminduk node status` then needs nothing else (adminduk.cli).
    keys = ("ADMINDUK_MODE", "ADMINDUK_ROLE", "ADMINDUK_DATA_DIR", "DATABASE_URL", "ADMINDUK_STATION_ID", "ADMINDUK_KEY_DIR", "ADMINDUK_CENTRAL_PUBLIC_KEY")
    write_env_file(data_dir / ENV_FILE_NAME, {k: env[k] for k in keys}, comment="Written by `adminduk demo`: the demo node's configuration (see README).")
    return DemoNode(office=office, station=station, data_dir=data_dir, url=f"http://{addr}/")


def start_demo_node(node: DemoNode, *, addr: str = "localhost:8001", interval: float = 5.0) -> DemoNode:
    """Start the node's web server, its sync loop and its task consumer as child processes."""
    env = node_environment(node.data_dir, node.station)
    log = open(node.data_dir / "node.log", "ab")  # noqa: SIM115 - closed with the process
    node.processes.append(
        start_child(adminduk_command("serve", "--bind", addr, "--workers", "2", "--graceful-timeout", "5"), env=env, stdout=log, stderr=subprocess.STDOUT)
    )
    node.processes.append(
        start_child(
            adminduk_command("node", "run", "--interval", str(interval), "--max-backoff", str(4 * interval)),
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    )
    # The demo queue's counters, once the first pull has brought the office (adminduk.queueing).
    node.processes.append(
        start_child(adminduk_command("queue", "demo-counters", "--office", node.office.code, "--wait", "600"), env=env, stdout=log, stderr=subprocess.STDOUT)
    )
    # The node's own task consumer: the daily check of its audit log's hash chain.
    node.processes.append(start_child(adminduk_command("run_huey", "--workers", "1"), env=env, stdout=log, stderr=subprocess.STDOUT))
    return node
