"""Requests whose signature does not verify store nothing and learn nothing about stations;
malformed headers, packets and cursors are answered 4xx with a reason, never 500 (issue 9,
items 7 and 8)."""

import io
import logging
import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from adminduk.accounts import stations
from adminduk.accounts.models import Station
from adminduk.sync import outbox, protocol, unverified
from adminduk.sync.changes import encode_cursor
from adminduk.sync.models import InboxPacket, OutboxPacket, RejectedDelivery

from .conftest import register

pytestmark = pytest.mark.django_db(transaction=True)


def signed(method, path, body, *, key, station_id, now=None, **extra):
    headers = protocol.sign_headers(key, station_id, method, path, body, now=time.time() if now is None else now)
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return Client().generic(method, path, data=body, content_type=protocol.BATCH_CONTENT_TYPE, **meta, **extra)


def detail(response) -> str:
    return response.json()["detail"]


def test_bad_signatures_store_nothing_and_name_no_station(node):
    body = protocol.encode_batch([node.packet()])
    forged = Ed25519PrivateKey.generate()
    stations.revoke_station(node.station, reason="laptop dicuri di kantor camat")
    attempts = {
        "revoked station, forged key": node.station.pk,
        "unknown station": uuid.uuid4(),
    }
    other, _key = register(node.station.office, "node-cadangan")
    attempts["registered station, wrong key"] = other.pk
    answers = []
    for label, station_id in attempts.items():
        response = signed("POST", "/api/sync/push", body, key=forged, station_id=station_id)
        assert response.status_code == 401, label
        assert detail(response).startswith("bad_signature:"), label
        answers.append(detail(response))
        for secret in ("laptop", "node-mantikulore", "node-cadangan", "revoked", str(station_id)):
            assert secret not in detail(response), (label, secret)
    assert len(set(answers)) == 1  # the same answer whichever station was claimed
    assert RejectedDelivery.objects.count() == 0 and InboxPacket.objects.count() == 0


def test_a_revoked_station_with_its_own_key_hears_why_and_is_booked(node):
    stations.revoke_station(node.station, reason="kantor ditutup")
    response = signed("GET", "/api/sync/hello", b"", key=node.private_key, station_id=node.station.pk)
    assert response.status_code == 403 and "revoked_station" in detail(response) and "kantor ditutup" in detail(response)
    assert RejectedDelivery.objects.filter(station_id=node.station.pk, code="revoked_station").count() == 1


def test_a_flood_of_bad_requests_is_counted_in_a_rate_limited_log(node, caplog, monkeypatch):
    monkeypatch.setattr(unverified, "counter", unverified.RateLimitedCounter())
    before = unverified.counter.total
    forged = Ed25519PrivateKey.generate()
    with caplog.at_level(logging.WARNING, logger="adminduk.sync.unverified"):
        for _ in range(40):
            assert signed("GET", "/api/sync/hello", b"", key=forged, station_id=node.station.pk).status_code == 401
    assert unverified.counter.total - before == 40
    assert len([r for r in caplog.records if r.name == "adminduk.sync.unverified"]) == 1
    assert RejectedDelivery.objects.count() == 0


def test_rate_limited_counter_reports_the_window_count():
    now = [0.0]
    lines = []

    class Log:
        def warning(self, message, *args):
            lines.append(message % args)

    counter = unverified.RateLimitedCounter(window=60, clock=lambda: now[0], log=Log())
    for _ in range(5):
        counter.note("bad_signature", "10.0.0.9")
    counter.note("clock_skew", "10.0.0.9")
    now[0] = 61
    counter.note("unsigned", None)
    assert len(lines) == 3
    assert "5 more" in lines[1] and "bad_signature=4" in lines[1] and "clock_skew=1" in lines[1]


@pytest.mark.parametrize("stamp", ["9" * 400, "1e9", "-5", "١٢٣"])
def test_a_time_header_that_is_no_time_is_refused_before_anything_else(node, stamp):
    response = Client().post(
        "/api/sync/push", data=b"ADKB", content_type=protocol.BATCH_CONTENT_TYPE,
        HTTP_X_ADMINDUK_STATION=str(node.station.pk), HTTP_X_ADMINDUK_TIME=stamp, HTTP_X_ADMINDUK_SIGNATURE="AAAA",
    )  # fmt: skip
    assert response.status_code == 401 and detail(response).startswith("bad_time:")
    assert RejectedDelivery.objects.count() == 0


def test_a_body_cut_short_is_incomplete_not_a_bad_signature(node):
    body = protocol.encode_batch([node.packet()])
    response = signed(
        "POST", "/api/sync/push", body, key=node.private_key, station_id=node.station.pk,
        CONTENT_LENGTH=str(len(body)), **{"wsgi.input": io.BytesIO(body[: len(body) // 2])},
    )  # fmt: skip
    assert response.status_code == 400 and detail(response).startswith("incomplete_body:")
    assert "of {:,} bytes".format(len(body)) in detail(response)
    assert RejectedDelivery.objects.count() == 0 and InboxPacket.objects.count() == 0


def test_the_node_sends_again_after_an_incomplete_answer(node):
    outbox.enqueue(node.packet())
    cut = {"done": False}
    original = node.transport.django.generic

    def cut_once(method, path, data=b"", content_type="", **extra):
        if method == "POST" and not cut["done"]:
            cut["done"] = True
            extra |= {"CONTENT_LENGTH": str(len(data)), "wsgi.input": io.BytesIO(data[:100])}
        return original(method, path, data=data, content_type=content_type, **extra)

    node.transport.django.generic = cut_once
    from adminduk.sync import client as sync_client

    with pytest.raises(sync_client.SyncError) as error:
        node.client.sync(pull=False)
    assert error.value.offline and not error.value.refused
    row = OutboxPacket.objects.get()
    assert row.state == "pending" and row.attempts == 1
    node.client.sync(pull=False)
    assert OutboxPacket.objects.get().state == "delivered" and InboxPacket.objects.count() == 1


def test_a_packet_with_a_deeply_nested_header_is_refused_alone(node):
    good = node.packet()
    nested = b"[" * 100_000 + b"]" * 100_000
    bad = b"ADKP" + bytes([1]) + len(nested).to_bytes(4, "big") + nested + b"\0" * 64
    response = signed("POST", "/api/sync/push", protocol.encode_batch([bad, good]), key=node.private_key, station_id=node.station.pk)
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["status"] == "rejected" and results[0]["code"] == "malformed"
    assert results[1]["status"] == "stored" and InboxPacket.objects.count() == 1


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_a_cursor_outside_the_databases_range_is_refused(node, stamp):
    cursor = encode_cursor(stamp, str(uuid.UUID(int=0)))
    path = f"/api/sync/changes?since={cursor}"
    response = signed("GET", path, b"", key=node.private_key, station_id=node.station.pk)
    assert response.status_code == 400 and detail(response).startswith("bad_cursor:")


def test_recording_station_keys_cannot_talk_to_the_central(node):
    recorder, key = register(node.station.office, "rekam-1", Station.Kind.RECORDING_STATION)
    response = signed("GET", "/api/sync/hello", b"", key=key, station_id=recorder.pk)
    assert response.status_code == 403 and "not_a_node" in detail(response)


@pytest.mark.parametrize("backlog", ["9" * 4000, "-3", "x", "1" * 10])
def test_an_implausible_backlog_header_is_ignored_not_a_server_error(node, backlog):
    response = signed("GET", "/api/sync/hello", b"", key=node.private_key, station_id=node.station.pk, HTTP_X_ADMINDUK_BACKLOG=backlog)
    assert response.status_code == 200
