"""10,000 packets from a node to the central through kills, drops, delays, duplicates,
reordering and a skewed node clock: none lost, none stored twice, counted in both databases."""

import json
import random
import time

import pytest

from .conftest import SCRIPTS

pytestmark = pytest.mark.postgres_only

PACKETS = 10_000
SKEW = 7 * 60  # the node's clock runs 7 minutes ahead (inside the central's ±10 min window)


def wait_for(condition, timeout, step=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def test_ten_thousand_packets_through_faults_exactly_once(cluster):
    cluster.run(cluster.node_env, SCRIPTS, "make-packets", str(PACKETS), str(SKEW))
    assert cluster.node_counts()["pending"] == PACKETS
    cluster.proxy.configure(drop_request=0.1, drop_response=0.1, duplicate=0.3, max_delay=0.05)
    cluster.proxy.force("duplicate", "drop_request", "drop_response")  # each at least once, whatever the dice say
    cluster.start_node_loop("--interval", "0.2", "--max-backoff", "1", "--batch", "200", skew=SKEW)
    rng = random.Random(2026)
    kills = {"node": 0, "central": 0}
    deadline = time.monotonic() + 120
    stored = lambda: cluster.central_query("SELECT COUNT(*) FROM sync_inboxpacket")[0][0]  # noqa: E731
    # Chaos while the node delivers: kill -9 the node mid-batch and the central mid-commit.
    while time.monotonic() < deadline and sum(kills.values()) < 8 and stored() < PACKETS * 0.9:
        time.sleep(rng.uniform(0.8, 2.0))
        if kills["node"] <= kills["central"]:
            cluster.kill_node()
            kills["node"] += 1
            cluster.start_node_loop("--interval", "0.2", "--max-backoff", "1", "--batch", "200", skew=SKEW)
        else:
            cluster.kill_central()
            kills["central"] += 1
            cluster.start_central()
    # Faults off: everything still pending must now arrive.
    cluster.proxy.configure(drop_request=0.0, drop_response=0.0, max_delay=0.0, duplicate=0.1)
    assert wait_for(lambda: cluster.node_counts()["pending"] == 0, 90), cluster.node_counts()
    cluster.kill_node()
    time.sleep(2)  # let late duplicate replays from the proxy land: they must change nothing

    node = cluster.node_counts()
    central_ids = cluster.central_ids()
    assert node == {"pending": 0, "delivered": PACKETS, "rejected": 0}
    assert len(central_ids) == PACKETS and set(central_ids) == cluster.node_ids()  # 0 lost, 0 duplicated
    assert cluster.central_query("SELECT COUNT(*) FROM sync_rejecteddelivery WHERE packet_id IS NOT NULL")[0][0] == 0
    duplicates = cluster.central_query("SELECT packets_duplicate FROM sync_nodeheartbeat")[0][0]
    counts = cluster.proxy.counts
    print(json.dumps({"kills": kills, "proxy": counts, "duplicates_recognised": duplicates}))
    assert kills["node"] >= 1 and kills["central"] >= 1
    assert counts["dropped_requests"] and counts["dropped_responses"] and counts["duplicates"]
    assert duplicates > 0  # lost acknowledgements and replays did happen, and were recognised


def test_rejections_over_the_wire_are_visible_on_the_node(cluster):
    cluster.proxy.configure(drop_request=0.0, drop_response=0.0, duplicate=0.0, max_delay=0.0)
    if cluster.central_process.poll() is not None:
        cluster.start_central()
    cluster.run(cluster.node_env, SCRIPTS, "make-packets", "2")
    # Tamper with one sealed packet at rest on the node.
    import sqlite3

    with sqlite3.connect(cluster.node_db) as db:
        packet_id, body = db.execute("SELECT id, body FROM sync_outboxpacket WHERE state='pending' LIMIT 1").fetchone()
        altered = bytearray(body)
        altered[len(altered) // 2] ^= 0xFF
        db.execute("UPDATE sync_outboxpacket SET body=? WHERE id=?", (bytes(altered), packet_id))
    before = len(cluster.central_ids())
    cluster.adminduk(cluster.node_env, "node", "sync", "--push-only", "--no-progress")
    status = cluster.adminduk(cluster.node_env, "node", "status")
    assert "rejected           1" in status and any(code in status for code in ("tampered", "bad_signature", "malformed")), status
    assert len(cluster.central_ids()) == before + 1
    # A node clock 15 minutes off is refused with the reason, and nothing is stored.
    cluster.run(cluster.node_env, SCRIPTS, "make-packets", "1")
    out = cluster.run(cluster.node_env, SCRIPTS, "node-with-clock-skew", str(-15 * 60), "node", "sync", "--push-only", "--no-progress", check=False)
    assert "clock_skew" in out
    assert "clock_skew" in cluster.adminduk(cluster.node_env, "node", "status")
    assert len(cluster.central_ids()) == before + 1
    # The central revokes the node: refused with the reason, visible in `node status`.
    cluster.run(cluster.central_env, "-m", "adminduk", "station", "revoke", cluster.station_id, "--reason", "laptop stolen")
    out = cluster.adminduk(cluster.node_env, "node", "sync", "--push-only", "--no-progress", check=False)
    assert "revoked_station" in out and "laptop stolen" in out
    assert "laptop stolen" in cluster.adminduk(cluster.node_env, "node", "status")
    assert len(cluster.central_ids()) == before + 1
