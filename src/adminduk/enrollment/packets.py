"""The packet: one recording on its way from a kecamatan node to the central.

Wire layout (all integers big-endian):

    b"ADKP" | version (1 byte) | header length (u32) | header (canonical JSON)
    | for each part, in header order: its sealed bytes
    | Ed25519 signature (64 bytes) of everything before it, by the station's key

The header names the packet (UUID), the station, the kind, the device time and each part with
its length and SHA-256. Parts are sealed to the central (enrollment.sealing) with the packet id
and part name as associated data, so a part moved into another packet does not open. The node
stores only these bytes; the central verifies the signature against the registered, unrevoked
station key before it stores anything (sync), and opens parts only to process them.
"""

import datetime as dt
import hashlib
import json
import struct
import uuid
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from . import sealing

MAGIC = b"ADKP"
VERSION = 1
SIGNATURE_BYTES = 64
# A recording with every capture is well under 100 KB; anything near this is not a recording.
MAX_PACKET_BYTES = 1024 * 1024
KIND_RECORDING = "ktp_recording"


class PacketError(ValueError):
    """A packet that must be refused; `code` is stable for programs, `reason` is for people."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class PartInfo:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Packet:
    packet_id: uuid.UUID
    station_id: uuid.UUID
    kind: str
    created_at: dt.datetime  # the device's clock when sealed: informative, never trusted for order
    parts: tuple[PartInfo, ...]
    sealed: dict[str, bytes]
    signed_bytes: bytes
    signature: bytes
    body: bytes  # the whole packet as received

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def verify(self, public_key: Ed25519PublicKey) -> None:
        from cryptography.exceptions import InvalidSignature

        try:
            public_key.verify(self.signature, self.signed_bytes)
        except InvalidSignature as exc:
            raise PacketError("bad_signature", "the packet's signature does not match the station's key") from exc

    def open_part(self, name: str, central_key: X25519PrivateKey) -> bytes:
        if name not in self.sealed:
            raise PacketError("missing_part", f"packet {self.packet_id} has no part {name!r}")
        try:
            return sealing.open_sealed(self.sealed[name], central_key, part_aad(self.packet_id, name))
        except sealing.SealError as exc:
            raise PacketError("unsealable", f"part {name!r} of packet {self.packet_id} cannot be opened: {exc}") from exc


def part_aad(packet_id: uuid.UUID, name: str) -> bytes:
    return f"{packet_id}:{name}".encode()


def seal_part(packet_id: uuid.UUID, name: str, plaintext: bytes, central: X25519PublicKey) -> bytes:
    return sealing.seal(plaintext, central, part_aad(packet_id, name))


def _canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def build_packet(
    *,
    packet_id: uuid.UUID,
    station_id: uuid.UUID,
    kind: str,
    sealed_parts: dict[str, bytes],
    private_key: Ed25519PrivateKey,
    created_at: dt.datetime,
) -> bytes:
    """Assemble and sign a packet from parts already sealed with seal_part."""
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    names = list(sealed_parts)
    header = {
        "packet_id": str(packet_id),
        "station_id": str(station_id),
        "kind": kind,
        "created_at": created_at.astimezone(dt.UTC).isoformat(),
        "parts": [[n, len(sealed_parts[n]), hashlib.sha256(sealed_parts[n]).hexdigest()] for n in names],
    }
    header_bytes = _canonical(header)
    signed = b"".join([MAGIC, bytes([VERSION]), struct.pack(">I", len(header_bytes)), header_bytes, *(sealed_parts[n] for n in names)])
    body = signed + private_key.sign(signed)
    if len(body) > MAX_PACKET_BYTES:
        raise PacketError("too_large", f"packet is {len(body):,} bytes; the limit is {MAX_PACKET_BYTES:,}")
    return body


def parse_packet(body: bytes) -> Packet:
    """Check the structure of `body` and return its parts; PacketError says what is wrong.
    The signature is NOT checked here: call Packet.verify with the station's key."""
    if not isinstance(body, bytes | bytearray | memoryview):
        raise PacketError("malformed", "a packet is bytes")
    body = bytes(body)
    if len(body) > MAX_PACKET_BYTES:
        raise PacketError("too_large", f"packet is {len(body):,} bytes; the limit is {MAX_PACKET_BYTES:,}")
    if len(body) < len(MAGIC) + 5 + SIGNATURE_BYTES or body[:4] != MAGIC:
        raise PacketError("malformed", "not an adminduk packet (bad magic or too short)")
    if body[4] != VERSION:
        raise PacketError("unsupported_version", f"packet version {body[4]} is not supported (expected {VERSION})")
    (header_len,) = struct.unpack(">I", body[5:9])
    header_end = 9 + header_len
    if header_end > len(body) - SIGNATURE_BYTES:
        raise PacketError("malformed", "the header length runs past the end of the packet")
    try:
        header = json.loads(body[9:header_end])
        packet_id = uuid.UUID(header["packet_id"])
        station_id = uuid.UUID(header["station_id"])
        kind = str(header["kind"])
        created_at = dt.datetime.fromisoformat(header["created_at"])
        parts = tuple(PartInfo(str(n), int(size), str(digest)) for n, size, digest in header["parts"])
    except (ValueError, KeyError, TypeError, RecursionError) as exc:  # RecursionError: JSON nested too deeply
        raise PacketError("malformed", f"the packet header is not valid: {exc}") from exc
    if created_at.tzinfo is None:
        raise PacketError("malformed", "the packet time has no time zone")
    if len({p.name for p in parts}) != len(parts):
        raise PacketError("malformed", "a part name appears twice")
    sealed, offset = {}, header_end
    for part in parts:
        chunk = body[offset : offset + part.size]
        if part.size < 0 or len(chunk) != part.size or offset + part.size > len(body) - SIGNATURE_BYTES:
            raise PacketError("malformed", f"part {part.name!r} runs past the end of the packet")
        if hashlib.sha256(chunk).hexdigest() != part.sha256:
            raise PacketError("tampered", f"part {part.name!r} does not match its checksum")
        sealed[part.name] = chunk
        offset += part.size
    if offset != len(body) - SIGNATURE_BYTES:
        raise PacketError("malformed", "unexpected bytes between the parts and the signature")
    return Packet(packet_id, station_id, kind, created_at, parts, sealed, body[:offset], body[offset:], body)


# --- Capture parts ------------------------------------------------------------------------
# The plaintext of one biometric part: metadata (JSON), the compressed image and the template.


@dataclass(frozen=True)
class CapturePayload:
    meta: dict  # modality, position, image_format, width, height, dpi, quality, exception_code
    image: bytes
    template: bytes  # biometrics.templates encoding; empty when the capture is an exception


def encode_capture(payload: CapturePayload) -> bytes:
    meta = _canonical(payload.meta)
    return struct.pack(">II", len(meta), len(payload.image)) + meta + payload.image + payload.template


def decode_capture(data: bytes) -> CapturePayload:
    try:
        meta_len, image_len = struct.unpack(">II", data[:8])
        meta = json.loads(data[8 : 8 + meta_len])
        image = data[8 + meta_len : 8 + meta_len + image_len]
        template = data[8 + meta_len + image_len :]
    except (struct.error, ValueError, RecursionError) as exc:
        raise PacketError("malformed", f"a capture part is not valid: {exc}") from exc
    if len(image) != image_len or not isinstance(meta, dict):
        raise PacketError("malformed", "a capture part is truncated")
    return CapturePayload(meta, image, template)
