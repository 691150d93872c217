"""The wire protocol between a kecamatan node and the central.

Request authentication (no sessions, no passwords): every request carries

    X-Adminduk-Station    the station's UUID
    X-Adminduk-Time       the node's clock, UNIX seconds
    X-Adminduk-Signature  base64 Ed25519 signature, by the station's key, of
                          "adminduk-sync-v1\\n{METHOD}\\n{path?query}\\n{time}\\n{sha256(body) hex}"
    X-Adminduk-Backlog    how many packets wait in the node's outbox (for the central's overview)

The central refuses a time further than SIGNATURE_WINDOW from its own clock (a replayed
request is harmless anyway: pushes are idempotent, pulls read only). The node's clock is never
used to order anything.

Batch body (Content-Type application/x-adminduk-batch): not base64 JSON, so a slow link carries
packet bytes and little else:

    b"ADKB" | version (1 byte) | count (u32) | count × (length (u32) | packet bytes)
"""

import base64
import hashlib
import struct

BATCH_MAGIC = b"ADKB"
BATCH_VERSION = 1
BATCH_CONTENT_TYPE = "application/x-adminduk-batch"
SIGNATURE_CONTEXT = b"adminduk-sync-v1"
SIGNATURE_WINDOW = 600  # seconds of clock difference tolerated on a request signature

H_STATION = "X-Adminduk-Station"
H_TIME = "X-Adminduk-Time"
H_SIGNATURE = "X-Adminduk-Signature"
H_BACKLOG = "X-Adminduk-Backlog"
H_MAX_BATCH = "X-Adminduk-Max-Batch-Bytes"


class BatchError(ValueError):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def encode_batch(bodies: list[bytes]) -> bytes:
    parts = [BATCH_MAGIC, bytes([BATCH_VERSION]), struct.pack(">I", len(bodies))]
    for body in bodies:
        parts += [struct.pack(">I", len(body)), body]
    return b"".join(parts)


def batch_overhead(count: int) -> int:
    return 9 + 4 * count


def decode_batch(data: bytes) -> list[bytes]:
    """The packets of a batch body; BatchError when the framing itself is broken (the packets
    inside are checked one by one by the central)."""
    if len(data) < 9 or data[:4] != BATCH_MAGIC:
        raise BatchError("malformed_batch", "not an adminduk batch (bad magic or too short)")
    if data[4] != BATCH_VERSION:
        raise BatchError("unsupported_version", f"batch version {data[4]} is not supported (expected {BATCH_VERSION})")
    (count,) = struct.unpack(">I", data[5:9])
    bodies, offset, end = [], 9, len(data)
    for index in range(count):
        if offset + 4 > end:
            raise BatchError("malformed_batch", f"the batch ends before packet {index + 1} of {count}")
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        offset += 4
        if offset + length > end:
            raise BatchError("malformed_batch", f"packet {index + 1} of {count} runs past the end of the batch")
        bodies.append(data[offset : offset + length])
        offset += length
    if offset != end:
        raise BatchError("malformed_batch", "unexpected bytes after the last packet")
    return bodies


def signing_message(method: str, path: str, timestamp: str, body: bytes) -> bytes:
    return b"\n".join(
        [SIGNATURE_CONTEXT, method.upper().encode(), path.encode(), timestamp.encode(), hashlib.sha256(body).hexdigest().encode()]
    )


def sign_headers(private_key, station_id, method: str, path: str, body: bytes, *, now: float, backlog: int | None = None) -> dict:
    timestamp = str(int(now))
    signature = private_key.sign(signing_message(method, path, timestamp, body))
    headers = {H_STATION: str(station_id), H_TIME: timestamp, H_SIGNATURE: base64.b64encode(signature).decode()}
    if backlog is not None:
        headers[H_BACKLOG] = str(backlog)
    return headers
