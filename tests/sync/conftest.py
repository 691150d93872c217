"""In-process sync fixtures: the real NodeClient talks to the real API through Django's test
client (an httpx transport), both sides in the one test database. The two-process tests with
separate databases are in tests/faults."""

import datetime as dt
import uuid

import httpx
import pytest
from django.test import Client

from adminduk.accounts import stations
from adminduk.accounts.models import Station
from adminduk.enrollment import packets, sealing
from adminduk.sync import client as sync_client
from adminduk.sync.models import NodeState

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


class DjangoTransport(httpx.BaseTransport):
    """Routes httpx requests into the Django test client (no sockets)."""

    def __init__(self, django_client=None, *, before=None):
        self.django = django_client or Client()
        self.before = before  # hook: (httpx.Request) -> None, may raise httpx errors
        self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.before:
            self.before(request)
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request.headers.items() if k.lower() not in ("content-type", "content-length", "host")}
        body = request.read()
        response = self.django.generic(
            request.method, request.url.raw_path.decode(), data=body,
            content_type=request.headers.get("content-type", "application/octet-stream"), **headers,
        )
        return httpx.Response(response.status_code, headers=dict(response.items()), content=response.content)


class Node:
    def __init__(self, station, private_key, client):
        self.station = station
        self.private_key = private_key
        self.client = client

    def packet(self, packet_id=None, *, station=None, private_key=None, parts=None) -> bytes:
        packet_id = packet_id or uuid.uuid4()
        central = sealing.central_public_key()
        parts = parts or {"demographics": b'{"nik": "7271085705900001"}'}
        sealed = {name: packets.seal_part(packet_id, name, data, central) for name, data in parts.items()}
        return packets.build_packet(
            packet_id=packet_id, station_id=(station or self.station).pk, kind=packets.KIND_RECORDING, sealed_parts=sealed,
            private_key=private_key or self.private_key, created_at=NOW,
        )


@pytest.fixture
def key_dir(settings, tmp_path):
    settings.ADMINDUK_KEY_DIR = str(tmp_path / "keys")
    settings.ADMINDUK_SYNC_CHANGE_LAG_SECONDS = 0
    settings.ADMINDUK_CENTRAL_URL = ""
    settings.ADMINDUK_STATION_ID = ""
    return tmp_path / "keys"


def register(office, name, kind=Station.Kind.NODE, key_dir=None):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if key_dir is not None:
        pair = stations.write_keypair(key_dir)
        private = stations.load_private_key(key_dir / "station.key")
    else:
        private = Ed25519PrivateKey.generate()
        from cryptography.hazmat.primitives import serialization
        import base64

        pair = stations.KeyPair(b"", base64.b64encode(private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode())
    return stations.register_station(office=office, name=name, kind=kind, public_key=pair.public_b64), private


@pytest.fixture
def node(db, key_dir, make_office):
    """A registered Mantikulore node with its key on disk and its state set up."""
    office = make_office("72.71.08")
    station, private = register(office, "node-mantikulore", key_dir=key_dir)
    NodeState.objects.update_or_create(pk=1, defaults={"central_url": "http://central.test", "station_id": station.pk})
    transport = DjangoTransport()
    client = sync_client.NodeClient(transport=transport)
    node = Node(station, private, client)
    node.transport = transport
    yield node
    client.close()
