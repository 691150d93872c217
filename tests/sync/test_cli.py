"""`adminduk node …`: sync with a progress bar, status, init, and the background loop."""

import functools
import io

import pytest
from django.core.management import CommandError, call_command

from adminduk.sync import client as sync_client
from adminduk.sync import outbox
from adminduk.sync.models import InboxPacket, NodeState, OutboxPacket


pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def routed(node, monkeypatch):
    monkeypatch.setattr(sync_client, "NodeClient", functools.partial(sync_client.NodeClient, transport=node.transport))
    return node


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("node", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_node_sync_delivers_everything_with_a_progress_bar(routed):
    for _ in range(7):
        outbox.enqueue(routed.packet())
    out, err = run("sync", "--batch", "3")
    assert "Delivered 7 packets" in out and "Backlog now 0" in out
    assert "7/7" in err  # tqdm's bar
    assert InboxPacket.objects.count() == 7


def test_node_sync_once_sends_one_batch(routed):
    for _ in range(5):
        outbox.enqueue(routed.packet())
    run("sync", "--once", "--batch", "2", "--push-only")
    assert OutboxPacket.objects.filter(state="pending").count() == 3


def test_node_sync_gives_up_after_retries_and_says_why(routed, monkeypatch):
    import httpx

    outbox.enqueue(routed.packet())
    routed.transport.before = lambda request: (_ for _ in ()).throw(httpx.ConnectError("no route to host"))
    monkeypatch.setattr(sync_client, "retry_delays", lambda n, base=1.0, cap=60.0: iter([0.0] * n))
    with pytest.raises(CommandError, match="no route to host"):
        run("sync", "--retries", "2")
    assert routed.transport.requests == 3
    assert OutboxPacket.objects.get().attempts == 3


def test_node_status_reports_backlog_and_rejections(routed):
    outbox.enqueue(routed.packet())
    bad = outbox.enqueue(routed.packet())
    OutboxPacket.objects.filter(pk=bad.pk).update(state="rejected", rejection_code="tampered", rejection_reason="part 'face' does not match")
    out, _ = run("status")
    assert "backlog            1 packets waiting" in out and "tampered: part 'face' does not match" in out


def test_node_init_checks_the_central_and_pulls(routed, make_staff, key_dir):
    make_staff("kecamatan_operator", offices=("72.71.08",))
    NodeState.objects.all().delete()
    out, err = run("init", "--central", "http://central.test", "--station-id", str(routed.station.pk))
    assert "node-mantikulore" in out and "Pulled" in out
    assert NodeState.objects.get().synced_usernames
    assert (key_dir / "central-x25519.pub").exists()


def test_node_init_without_station_prints_the_key_to_register(node, key_dir):
    out, _ = run("init")
    assert "adminduk station register --kind node" in out and (key_dir / "station.pub").read_text().strip() in out


def test_background_loop_syncs_and_backs_off(routed):
    outbox.enqueue(routed.packet())
    rounds, logs = [], []

    def stop():
        rounds.append(1)
        return len(rounds) > 1

    sync_client.run_forever(interval=0.01, stop=stop, log=logs.append, client_factory=sync_client.NodeClient)
    assert OutboxPacket.objects.get().state == "delivered" and "1 delivered" in logs[0]
