"""A kecamatan node prints while offline (some cards spoiled), then syncs through dropped and
duplicated requests and a killed central: each printed and spoiled event arrives and is applied
exactly once, and both databases agree on cards and blangko."""

import json
import sqlite3
import time

import pytest

from .conftest import SCRIPTS

pytestmark = pytest.mark.postgres_only

RECORDINGS = 12


def wait_for(condition, timeout, step=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def node_query(cluster, sql):
    with sqlite3.connect(cluster.node_db, timeout=30) as db:
        return db.execute(sql).fetchall()


def test_offline_printing_is_delivered_exactly_once(cluster):
    cluster.node_env["ADMINDUK_STATION_ID"] = cluster.station_id  # the node signs its event packets
    cluster.central_env["ADMINDUK_SYNC_CHANGE_LAG_SECONDS"] = "0"  # one writer here: no need to wait for the horizon
    cluster.kill_central()
    cluster.start_central()
    out = cluster.run(cluster.central_env, SCRIPTS, "setup-printing", str(RECORDINGS), timeout=600)
    assert f"jobs={RECORDINGS}" in out
    out = cluster.adminduk(cluster.node_env, "node", "sync", timeout=300)  # the jobs (with photos and chip data) come in the pull
    assert node_query(cluster, "SELECT COUNT(*) FROM printing_printjob")[0][0] == RECORDINGS, out
    assert node_query(cluster, "SELECT COUNT(*) FROM printing_printjob WHERE status = 'queued'")[0][0] == RECORDINGS

    # Offline: the central is down while the node prints.
    cluster.kill_central()
    result = json.loads(cluster.run(cluster.node_env, SCRIPTS, "print-offline", "0.3").strip().splitlines()[-1])
    assert result["printed"] == RECORDINGS and result["spoiled"] >= 1
    events = RECORDINGS + result["spoiled"]
    assert cluster.node_counts()["pending"] == events

    cluster.start_central()
    cluster.proxy.configure(drop_request=0.2, drop_response=0.3, duplicate=0.5, max_delay=0.05)
    cluster.proxy.force("duplicate", "drop_response")
    cluster.start_node_loop("--interval", "0.2", "--max-backoff", "1", "--batch", "5")
    assert wait_for(lambda: cluster.node_counts()["pending"] == 0, 120), cluster.node_counts()
    cluster.kill_node()
    cluster.proxy.configure(drop_request=0.0, drop_response=0.0, duplicate=0.0, max_delay=0.0)
    time.sleep(1)
    cluster.run(cluster.central_env, SCRIPTS, "apply-print-events")  # what the periodic task does when no worker ran it

    states = dict(cluster.central_query("SELECT state, COUNT(*) FROM sync_inboxpacket WHERE kind = 'print_event' GROUP BY state"))
    assert states == {"processed": events}, states
    central_kinds = dict(cluster.central_query("SELECT kind, COUNT(*) FROM printing_blangkomovement WHERE office_id IN (SELECT id FROM offices_office WHERE code = 'palu-mantikulore') GROUP BY kind"))
    assert central_kinds.get("consumption") == RECORDINGS and central_kinds.get("spoilage") == result["spoiled"]
    assert cluster.central_query("SELECT COUNT(*) FROM printing_card")[0][0] == RECORDINGS
    assert cluster.central_query("SELECT COUNT(DISTINCT request_id) FROM printing_card")[0][0] == RECORDINGS
    central_stock = cluster.central_query("SELECT quantity FROM printing_blangkostock s JOIN offices_office o ON o.id = s.office_id WHERE o.code = 'palu-mantikulore'")[0][0]
    assert central_stock == result["stock"] == RECORDINGS * 4 - events  # scripts.setup_printing received four blanks a card
    statuses = dict(cluster.central_query("SELECT status, COUNT(*) FROM enrollment_ktprequest GROUP BY status"))
    assert statuses == {"at_office": RECORDINGS}, statuses
    node_serials = {row[0] for row in node_query(cluster, "SELECT serial FROM printing_card")}
    central_serials = {row[0] for row in cluster.central_query("SELECT serial FROM printing_card")}
    assert node_serials == central_serials
