"""Building recording packets the way a node does (sealed to the central, signed by a station),
from the synthetic biometric model, and storing them in the central inbox as sync does."""

import datetime as dt
import io
import json
import uuid

import numpy as np
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from adminduk.accounts.stations import generate_keypair, register_station
from adminduk.biometrics import synthetic, templates
from adminduk.enrollment import packets, sealing
from adminduk.sync.models import InboxPacket
from adminduk.sync.signals import packet_stored

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


def png(seed: int, size=(48, 60), color=False) -> bytes:
    rng = np.random.default_rng(seed)
    shape = (size[1], size[0], 3) if color else (size[1], size[0])
    buffer = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, shape, dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


def make_station(office):
    keys = generate_keypair()
    station = register_station(office=office, name=f"Perekaman {office.code}", kind="recording_station", public_key=keys.public_b64)
    station.private_key = serialization.load_pem_private_key(keys.private_pem, password=None)
    return station


def demographics(**overrides) -> dict:
    data = {
        "request_id": str(uuid.uuid4()),
        "nik": "7271085705900001",
        "full_name": "SITI RAHMAWATI",
        "birth_date": "1990-05-17",
        "birth_place": "PALU",
        "sex": "P",
        "mother_name": "NURHAYATI",
        "office": "palu-mantikulore",
        "kecamatan_code": "72.71.08",
        "operator": "operator1",
        "exceptions": [],
    }
    data.update(overrides)
    return data


def capture_parts(identity: str, *, seed: int = 0, skip=()) -> dict[str, bytes]:
    rng = np.random.default_rng(seed)
    vectors = synthetic.capture_all(identity, rng, skip=tuple(skip))
    parts = {}
    for i, name in enumerate((*synthetic.TEMPLATE_SLOTS, "signature")):
        modality = name.split("_", 1)[0]
        meta = {"modality": modality, "position": name.split("_", 1)[-1], "image_format": "png", "exception_code": ""}
        if name in skip:
            meta["exception_code"] = "amputation" if modality == "finger" else "eye_disease"
            parts[name] = packets.encode_capture(packets.CapturePayload(meta, b"", b""))
            continue
        template = templates.encode(vectors[name]) if name in vectors else b""
        parts[name] = packets.encode_capture(packets.CapturePayload(meta, png(seed * 100 + i, color=modality == "face"), template))
    return parts


def build(station, data: dict, parts: dict[str, bytes], packet_id=None) -> tuple[uuid.UUID, bytes]:
    packet_id = packet_id or uuid.uuid4()
    central = sealing.central_public_key()
    plain = {"demographics": json.dumps(data).encode(), **parts}
    sealed = {name: packets.seal_part(packet_id, name, body, central) for name, body in plain.items()}
    key = getattr(station, "private_key", None) or Ed25519PrivateKey.generate()
    body = packets.build_packet(packet_id=packet_id, station_id=station.pk, kind=packets.KIND_RECORDING, sealed_parts=sealed, private_key=key, created_at=NOW)
    return packet_id, body


def store(station, body: bytes, packet_id) -> InboxPacket:
    """What sync does once a packet is verified: store it, then signal after the commit."""
    import hashlib

    inbox = InboxPacket.objects.create(
        id=packet_id, station=station, kind=packets.KIND_RECORDING, body=body, size=len(body), sha256=hashlib.sha256(body).hexdigest(), device_time=NOW
    )
    packet_stored.send(sender=InboxPacket, packet_ids=[packet_id])
    return inbox


def record(station, identity: str, *, seed: int = 0, skip=(), **fields) -> InboxPacket:
    """One recording of synthetic person `identity` delivered to the central."""
    data = demographics(**fields)
    packet_id, body = build(station, data, capture_parts(identity, seed=seed, skip=skip))
    return store(station, body, packet_id)
