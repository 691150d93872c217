"""The packet format: sealed parts, station signature, and every way a packet is refused."""

import datetime as dt
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from adminduk.biometrics import templates
from adminduk.enrollment import packets, sealing

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def keys():
    return X25519PrivateKey.generate(), Ed25519PrivateKey.generate()


def make(keys, parts=None, packet_id=None):
    central, station = keys
    packet_id = packet_id or uuid.uuid4()
    parts = parts or {"demographics": b'{"nik": "7271085705900001"}', "face": b"\xff\xd8 jpeg bytes"}
    sealed = {name: packets.seal_part(packet_id, name, data, central.public_key()) for name, data in parts.items()}
    body = packets.build_packet(
        packet_id=packet_id, station_id=uuid.uuid4(), kind=packets.KIND_RECORDING, sealed_parts=sealed, private_key=station, created_at=NOW
    )
    return packet_id, body


def test_round_trip_opens_every_part_and_verifies(keys):
    central, station = keys
    packet_id, body = make(keys)
    packet = packets.parse_packet(body)
    packet.verify(station.public_key())
    assert packet.packet_id == packet_id and packet.created_at == NOW
    assert packet.open_part("demographics", central) == b'{"nik": "7271085705900001"}'
    assert b"7271085705900001" not in body  # sealed: the NIK is not readable in the bytes


def test_tampered_byte_is_refused(keys):
    _, body = make(keys)
    for position in (20, len(body) // 2, len(body) - 70):
        altered = bytearray(body)
        altered[position] ^= 0x01
        with pytest.raises(packets.PacketError) as error:
            packet = packets.parse_packet(bytes(altered))
            packet.verify(keys[1].public_key())
        assert error.value.code in {"malformed", "tampered", "bad_signature"}


def test_signature_of_another_station_is_refused(keys):
    _, body = make(keys)
    with pytest.raises(packets.PacketError) as error:
        packets.parse_packet(body).verify(Ed25519PrivateKey.generate().public_key())
    assert error.value.code == "bad_signature"


def test_part_moved_into_another_packet_does_not_open(keys):
    central, station = keys
    first_id = uuid.uuid4()
    stolen = packets.seal_part(first_id, "face", b"face of someone else", central.public_key())
    other_id = uuid.uuid4()
    body = packets.build_packet(
        packet_id=other_id, station_id=uuid.uuid4(), kind=packets.KIND_RECORDING, sealed_parts={"face": stolen}, private_key=station, created_at=NOW
    )
    with pytest.raises(packets.PacketError) as error:
        packets.parse_packet(body).open_part("face", central)
    assert error.value.code == "unsealable"


@pytest.mark.parametrize("body", [b"", b"ADKP", b"GIF89a" + b"x" * 100, b"ADKP\x02" + b"\x00" * 100, b"ADKP\x01\xff\xff\xff\xff" + b"x" * 100])
def test_garbage_is_refused_with_a_reason(body):
    with pytest.raises(packets.PacketError) as error:
        packets.parse_packet(body)
    assert error.value.code in {"malformed", "unsupported_version"} and error.value.reason


def test_oversized_packet_is_refused(keys):
    with pytest.raises(packets.PacketError) as error:
        make(keys, parts={"face": b"x" * (packets.MAX_PACKET_BYTES + 1)})
    assert error.value.code == "too_large"


def test_sealed_for_another_central_does_not_open(keys):
    _, body = make(keys)
    with pytest.raises(packets.PacketError):
        packets.parse_packet(body).open_part("face", X25519PrivateKey.generate())
    with pytest.raises(sealing.SealError):
        sealing.open_sealed(b"short", X25519PrivateKey.generate())


def test_capture_payload_and_template_round_trip():
    vector = [float(i % 7) - 3.0 for i in range(templates.DIM)]
    payload = packets.CapturePayload({"modality": "finger", "position": "R1"}, b"image", templates.encode(vector))
    decoded = packets.decode_capture(packets.encode_capture(payload))
    assert decoded.meta == payload.meta and decoded.image == b"image"
    assert templates.similarity(templates.decode(decoded.template), vector) > 0.999
    with pytest.raises(ValueError):
        templates.encode([0.0] * templates.DIM)
