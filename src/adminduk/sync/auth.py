"""Station authentication for the sync API: an Ed25519 signature over the request, by the key of
a registered, unrevoked station (protocol.py describes the headers). No session, no cookie, so
no CSRF either: a forged browser request cannot carry a station's signature."""

import base64
import binascii
import time

from django.conf import settings
from django.core import checks
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security.base import AuthBase

from adminduk.accounts.models import Station
from adminduk.accounts.stations import StationRejected, verify_signed

from . import protocol
from .models import RejectedDelivery


def max_batch_bytes() -> int:
    """The largest batch body the central accepts (announced to nodes). Never above Django's
    in-memory request limit, which would otherwise answer a bare 400."""
    configured = settings.ADMINDUK_SYNC_MAX_BATCH_BYTES
    return min(configured, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or configured)


def check_batch_limit(app_configs=None, **kwargs) -> list:
    """System check: a limit below one largest packet would refuse such a packet for ever (the
    node gives up on a single-packet batch that is too large), so the server refuses to start."""
    from adminduk.enrollment.packets import MAX_PACKET_BYTES

    if max_batch_bytes() < MAX_PACKET_BYTES + 64:
        return [
            checks.Error(
                f"ADMINDUK_SYNC_MAX_BATCH_BYTES must be at least {MAX_PACKET_BYTES + 64:,} (one packet of the largest size)",
                id="adminduk.sync.E001",
            )
        ]
    return []


class SyncRefusal(HttpError):
    """A refused request; the message is "code: reason" so the node can show both."""

    def __init__(self, status: int, code: str, reason: str):
        super().__init__(status, f"{code}: {reason}")
        self.code = code
        self.reason = reason


def refuse(request: HttpRequest, status: int, code: str, reason: str, *, station_id=None, size: int = 0):
    """Log the refusal and answer it. Before the signature is verified the station is only
    claimed, so callers pass station_id=None then: nobody can book refusals on another station."""
    RejectedDelivery.objects.create(
        station_id=station_id, code=code[:40], reason=reason[:300], size=size, remote_address=request.META.get("REMOTE_ADDR") or None
    )
    raise SyncRefusal(status, code, reason)


class StationSignatureAuth(AuthBase):
    openapi_type = "apiKey"
    openapi_in = "header"
    openapi_name = protocol.H_SIGNATURE

    def __call__(self, request: HttpRequest):
        headers = request.headers
        station_id = headers.get(protocol.H_STATION, "")
        timestamp = headers.get(protocol.H_TIME, "")
        signature = headers.get(protocol.H_SIGNATURE, "")
        if not (station_id and timestamp and signature):
            raise SyncRefusal(401, "unsigned", "sync requests must carry a station id, a time and a signature")
        station_uuid = _uuid(station_id)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise SyncRefusal(400, "bad_length", "the Content-Length header is not a number") from None
        if length > max_batch_bytes():
            refuse(
                request, 413, "batch_too_large",
                f"the batch is {length:,} bytes; this central accepts at most {max_batch_bytes():,} bytes per batch "
                f"(station {station_id[:40]} claimed)",
                size=length,
            )
        try:
            sent_at = int(timestamp)
            raw_signature = base64.b64decode(signature, validate=True)
        except (ValueError, binascii.Error):
            refuse(request, 401, "bad_signature", "the time or signature header is not well formed")
        skew = time.time() - sent_at
        if abs(skew) > protocol.SIGNATURE_WINDOW:
            refuse(
                request, 401, "clock_skew",
                f"the request time differs from the central's clock by {skew:+.0f} s (at most ±{protocol.SIGNATURE_WINDOW} s "
                "is accepted); set the node's clock",
            )
        if station_uuid is None:
            refuse(request, 401, "unknown_station", f"{station_id[:40]!r} is not a station id")
        message = protocol.signing_message(request.method, request.get_full_path(), timestamp, request.body)
        try:
            station = verify_signed(station_uuid, message, raw_signature)
        except StationRejected as exc:
            # Only a revocation is booked on the station: its key is known to be genuine.
            verified_id = station_uuid if exc.code == "revoked_station" else None
            refuse(request, 403 if exc.code == "revoked_station" else 401, exc.code, exc.reason, station_id=verified_id)
        if station.kind != Station.Kind.NODE:
            # Recording stations sign packets; only a node (which holds the office's data
            # anyway) talks to the central, so a stolen station laptop cannot pull the registry.
            refuse(request, 403, "not_a_node", f"station {station.name} is a {station.get_kind_display()}, not a kecamatan node", station_id=station.pk)
        request.sync_clock_offset = skew
        try:
            request.sync_backlog = max(0, int(headers.get(protocol.H_BACKLOG, "")))
        except ValueError:
            request.sync_backlog = None
        return station


def _uuid(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return None
