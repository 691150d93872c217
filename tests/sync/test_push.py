"""Push: exactly-once storage, acknowledgements, rejections with reasons, node bookkeeping."""

import uuid

import httpx
import pytest

from adminduk.accounts import stations
from adminduk.accounts.models import Station
from adminduk.sync import client as sync_client
from adminduk.sync import ingest, outbox, protocol
from adminduk.sync.models import InboxPacket, NodeHeartbeat, NodeState, OutboxPacket, RejectedDelivery
from adminduk.sync.signals import packet_stored

from .conftest import register

pytestmark = pytest.mark.django_db(transaction=True)


def states():
    return dict((s, OutboxPacket.objects.filter(state=s).count()) for s in OutboxPacket.State.values)


def test_batches_are_stored_once_acknowledged_and_marked_delivered(node):
    ids = [outbox.enqueue(node.packet()).id for _ in range(25)]
    received = []
    handler = lambda sender, packet_ids, **kw: received.append(list(packet_ids))  # noqa: E731
    packet_stored.connect(handler)
    try:
        outcome = node.client.sync(pull=False)
    finally:
        packet_stored.disconnect(handler)
    assert outcome.pushed.delivered == 25 and outcome.pushed.rejected == 0
    assert states() == {"pending": 0, "delivered": 25, "rejected": 0}
    assert set(InboxPacket.objects.values_list("pk", flat=True)) == set(ids)
    assert len(received) == 1 and sorted(received[0]) == sorted(ids)  # one signal per batch, after commit
    stored = InboxPacket.objects.get(pk=ids[0])
    assert bytes(stored.body) == bytes(OutboxPacket.objects.get(pk=ids[0]).body)
    assert stored.station_id == node.station.pk
    beat = NodeHeartbeat.objects.get(station=node.station)
    assert beat.packets_stored == 25 and beat.backlog == 0 and beat.last_push_at
    assert NodeState.objects.get().last_push_ok_at is not None


def test_small_batches_and_redelivery_are_duplicates_not_new_rows(node):
    bodies = [node.packet() for _ in range(6)]
    for body in bodies:
        outbox.enqueue(body)
    node.client.batch_packets = 2
    node.client.sync(pull=False, once=True)
    assert states()["delivered"] == 2 and InboxPacket.objects.count() == 2
    # The acknowledgement was lost: the node sends the same packets again.
    OutboxPacket.objects.update(state="pending", delivered_at=None)
    node.client.batch_packets = 100
    outcome = node.client.sync(pull=False)
    assert outcome.pushed.delivered == 6 and outcome.pushed.duplicate == 2
    assert InboxPacket.objects.count() == 6 and states()["delivered"] == 6
    # A batch carrying the same packet twice stores it once.
    report = ingest.ingest_batch(node.station, [bodies[0], bodies[0]])
    assert [r.status for r in report.results] == ["duplicate", "duplicate"]


def test_same_uuid_twice_in_one_new_batch(node):
    body = node.packet()
    report = ingest.ingest_batch(node.station, [body, body])
    assert [r.status for r in report.results] == ["stored", "duplicate"]
    assert InboxPacket.objects.count() == 1


def test_tampered_packet_is_rejected_and_shown_on_the_node(node):
    good = outbox.enqueue(node.packet())
    body = bytearray(node.packet())
    body[-10] ^= 0x01  # inside the signature
    bad = OutboxPacket.objects.create(id=uuid.uuid4(), kind="ktp_recording", body=bytes(body), size=len(body), sha256="x")
    # The UUID in the bytes names the packet; store it under that id like enqueue would.
    from adminduk.enrollment.packets import parse_packet

    bad.delete()
    bad = OutboxPacket.objects.create(id=parse_packet(bytes(body)).packet_id, kind="ktp_recording", body=bytes(body), size=len(body), sha256="x")
    outcome = node.client.sync(pull=False)
    assert outcome.pushed.delivered == 1 and outcome.pushed.rejected == 1
    bad.refresh_from_db()
    assert bad.state == "rejected" and bad.rejection_code == "bad_signature" and "signature" in bad.rejection_reason
    assert list(InboxPacket.objects.values_list("pk", flat=True)) == [good.id]
    assert RejectedDelivery.objects.filter(packet_id=bad.id, code="bad_signature").exists()


def test_replayed_uuid_with_altered_payload_is_rejected(node):
    packet_id = uuid.uuid4()
    original = node.packet(packet_id, parts={"demographics": b'{"nik": "1"}'})
    assert ingest.ingest_batch(node.station, [original]).results[0].status == "stored"
    altered = node.packet(packet_id, parts={"demographics": b'{"nik": "2"}'})  # validly signed, other content
    outbox.enqueue(altered)
    node.client.sync(pull=False)
    row = OutboxPacket.objects.get(pk=packet_id)
    assert row.state == "rejected" and row.rejection_code == "replayed_altered"
    assert bytes(InboxPacket.objects.get(pk=packet_id).body) == original  # the first one stays
    assert RejectedDelivery.objects.filter(packet_id=packet_id, code="replayed_altered").count() == 1


def test_packet_of_unknown_revoked_or_foreign_station_is_rejected(node, make_office):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    recorder, recorder_key = register(node.station.office, "rekam-1", Station.Kind.RECORDING_STATION)
    foreign, foreign_key = register(make_office("72.71.06"), "rekam-tatanga", Station.Kind.RECORDING_STATION)
    revoked, revoked_key = register(node.station.office, "rekam-2", Station.Kind.RECORDING_STATION)
    stations.revoke_station(revoked, reason="stolen laptop")
    ghost = Station(pk=uuid.uuid4(), name="ghost", office=node.station.office)
    bodies = {
        "ok": node.packet(station=recorder, private_key=recorder_key),
        "foreign_station": node.packet(station=foreign, private_key=foreign_key),
        "revoked_station": node.packet(station=revoked, private_key=revoked_key),
        "unknown_station": node.packet(station=ghost, private_key=Ed25519PrivateKey.generate()),
    }
    for body in bodies.values():
        outbox.enqueue(body)
    node.client.sync(pull=False)
    assert InboxPacket.objects.count() == 1 and InboxPacket.objects.get().station_id == recorder.pk
    rejected = dict(OutboxPacket.objects.filter(state="rejected").values_list("rejection_code", "rejection_reason"))
    assert set(rejected) == {"foreign_station", "revoked_station", "unknown_station"}
    assert "stolen laptop" in rejected["revoked_station"]


def test_revoked_node_is_refused_and_nothing_is_stored(node):
    outbox.enqueue(node.packet())
    stations.revoke_station(node.station, reason="office closed")
    with pytest.raises(sync_client.SyncError) as error:
        node.client.sync(pull=False)
    assert error.value.refused and "revoked_station" in str(error.value)
    state = NodeState.objects.get()
    assert state.link_state == "refused" and "office closed" in state.last_error
    assert InboxPacket.objects.count() == 0 and states()["pending"] == 1
    assert RejectedDelivery.objects.filter(station_id=node.station.pk, code="revoked_station").exists()


def test_unknown_node_and_bad_request_signature_are_refused(node, key_dir):
    outbox.enqueue(node.packet())
    NodeState.objects.filter(pk=1).update(station_id=uuid.uuid4())
    with sync_client.NodeClient(transport=node.transport) as other:
        # Unauthenticated: the same answer as a wrong key, so nobody learns which ids exist.
        with pytest.raises(sync_client.SyncError, match="bad_signature"):
            other.sync(pull=False)
    # Right station id, wrong key.
    NodeState.objects.filter(pk=1).update(station_id=node.station.pk)
    (key_dir / "station.key").unlink()
    stations.write_keypair(key_dir)
    with sync_client.NodeClient(transport=node.transport) as other:
        with pytest.raises(sync_client.SyncError, match="bad_signature"):
            other.sync(pull=False)
    assert InboxPacket.objects.count() == 0


def test_clock_skew_within_the_window_is_accepted_beyond_it_refused(node):
    import time

    outbox.enqueue(node.packet())
    node.client.clock = lambda: time.time() + 9 * 60
    node.client.sync(pull=False)
    assert InboxPacket.objects.count() == 1
    assert NodeHeartbeat.objects.get().node_time_offset == pytest.approx(-540, abs=5)
    outbox.enqueue(node.packet())
    node.client.clock = lambda: time.time() - 11 * 60
    with pytest.raises(sync_client.SyncError, match="clock_skew"):
        node.client.sync(pull=False)
    assert InboxPacket.objects.count() == 1


def test_oversized_batch_is_refused_with_413_and_a_reason(node, settings):
    settings.ADMINDUK_SYNC_MAX_BATCH_BYTES = 4096
    body = protocol.encode_batch([node.packet(parts={"face": b"x" * 5000})])
    response = node.client.request("POST", "/push", body=body, content_type=protocol.BATCH_CONTENT_TYPE)
    assert response.status_code == 413 and "batch_too_large" in response.json()["detail"]
    assert InboxPacket.objects.count() == 0
    # Refused before the signature could be checked: nothing is booked for it.
    assert not RejectedDelivery.objects.exists()
    # Through the node: a packet bigger than any batch the central takes is rejected, visibly.
    big = outbox.enqueue(node.packet(parts={"face": b"x" * 5000}))
    NodeState.objects.filter(pk=1).update(max_batch_bytes=1024 * 1024, batch_bytes=1024 * 1024)
    node.client.sync(pull=False)
    big.refresh_from_db()
    assert big.state == "rejected" and big.rejection_code == "batch_too_large" and "4,096" in big.rejection_reason
    assert NodeState.objects.get().max_batch_bytes == 4096


def test_malformed_batch_framing_is_refused(node):
    response = node.client.request("POST", "/push", body=b"ADKB\x01\x00\x00\x00\x02\x00\x00\x00\x05abc", content_type=protocol.BATCH_CONTENT_TYPE)
    assert response.status_code == 400 and "malformed_batch" in response.json()["detail"]


def test_unsigned_request_is_refused(client, db):
    response = client.post("/api/sync/push", data=b"ADKB", content_type=protocol.BATCH_CONTENT_TYPE)
    assert response.status_code == 401 and "unsigned" in response.json()["detail"]


def test_transport_failure_leaves_packets_pending_and_shrinks_the_batch(node):
    outbox.enqueue(node.packet())

    def drop(request):
        raise httpx.ConnectError("connection refused")

    node.transport.before = drop
    with pytest.raises(sync_client.SyncError) as error:
        node.client.sync(pull=False)
    assert error.value.offline
    row = OutboxPacket.objects.get()
    assert row.state == "pending" and row.attempts == 1 and "connection refused" in row.last_error
    assert NodeState.objects.get().link_state == "offline"
    node.transport.before = None
    node.client.sync(pull=False)
    assert states()["delivered"] == 1


def test_acknowledgement_moves_the_request_to_sent_and_never_back(node, make_resident):
    from adminduk.enrollment import requests
    from adminduk.enrollment.models import KtpRequest

    resident = make_resident()
    first, second = node.packet(), node.packet()
    request = requests.open_request(
        nik=resident.nik, office=node.station.office, kecamatan_code="72.71.08", status="recorded",
        resident=resident, packet_id=outbox.enqueue(first).id,
    )
    node.client.sync(pull=False)
    request.refresh_from_db()
    assert request.status == "sent"
    assert list(request.events.values_list("to_status", flat=True)) == ["recorded", "sent"]
    # A later duplicate acknowledgement changes nothing.
    sync_client.mark_delivered([str(request.packet_id)])
    assert KtpRequest.objects.get(pk=request.pk).events.count() == 2
    del second


def test_a_recording_station_key_cannot_talk_to_the_central(node, key_dir):
    """Recording stations sign packets; only a node pushes and pulls. A stolen station laptop's
    key must not pull the kecamatan's registry and staff credentials."""
    (key_dir / "station.key").unlink()
    laptop, _private = register(node.station.office, "rekam-laptop", Station.Kind.RECORDING_STATION, key_dir=key_dir)
    NodeState.objects.filter(pk=1).update(station_id=laptop.pk)
    with sync_client.NodeClient(transport=node.transport) as client:
        with pytest.raises(sync_client.SyncError, match="not_a_node"):
            client.sync(pull=True)
    assert InboxPacket.objects.count() == 0


def test_production_refuses_a_central_over_plain_http(node, settings):
    settings.MODE = "production"
    with pytest.raises(sync_client.NotConfigured, match="https"):
        sync_client.NodeClient(transport=node.transport)
