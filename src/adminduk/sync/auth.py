"""Station authentication for the sync API: an Ed25519 signature over the request, by the key of
a registered, unrevoked station (protocol.py describes the headers). No session, no cookie, so
no CSRF either: a forged browser request cannot carry a station's signature."""

import base64
import binascii
import time

from django.conf import settings
from django.core import checks
from django.http import HttpRequest, UnreadablePostError
from ninja.errors import HttpError
from ninja.security.base import AuthBase

from adminduk.accounts.models import Station
from adminduk.accounts.stations import StationRejected, verify_signed

from . import protocol, unverified
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


def refuse(request: HttpRequest, status: int, code: str, reason: str, *, station_id, size: int = 0):
    """Book the refusal on `station_id` and answer it. Only for a request whose signature was
    verified: the station is then known to have sent it (see refuse_unverified otherwise)."""
    RejectedDelivery.objects.create(
        station_id=station_id, code=code[:40], reason=reason[:300], size=size, remote_address=request.META.get("REMOTE_ADDR") or None
    )
    raise SyncRefusal(status, code, reason)


def refuse_unverified(request: HttpRequest, status: int, code: str, reason: str):
    """Answer a request whose signature has not verified: nothing is stored (anyone can send
    these), it is only counted in a rate-limited log, and `reason` names no station."""
    unverified.counter.note(code, request.META.get("REMOTE_ADDR"))
    raise SyncRefusal(status, code, reason)


NOT_AUTHENTICATED = "the request is not signed by the key of a station registered at the central (check the station id and key)"
TIMESTAMP_DIGITS = 12  # UNIX seconds until the year 33658; anything longer is not a time


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
            refuse_unverified(request, 401, "unsigned", "sync requests must carry a station id, a time and a signature")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            refuse_unverified(request, 400, "bad_length", "the Content-Length header is not a number")
        if length > max_batch_bytes():
            refuse_unverified(
                request, 413, "batch_too_large",
                f"the batch is {length:,} bytes; this central accepts at most {max_batch_bytes():,} bytes per batch",
            )
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= TIMESTAMP_DIGITS):
            refuse_unverified(request, 401, "bad_time", f"{protocol.H_TIME} must be UNIX seconds (at most {TIMESTAMP_DIGITS} digits)")
        try:
            raw_signature = base64.b64decode(signature, validate=True)
        except (ValueError, binascii.Error):
            refuse_unverified(request, 401, "bad_signature", "the signature header is not base64")
        skew = time.time() - int(timestamp)
        if abs(skew) > protocol.SIGNATURE_WINDOW:
            refuse_unverified(
                request, 401, "clock_skew",
                f"the request time differs from the central's clock by {skew:+.0f} s (at most ±{protocol.SIGNATURE_WINDOW} s "
                "is accepted); set the node's clock",
            )
        station_uuid = _uuid(station_id)
        if station_uuid is None:
            refuse_unverified(request, 401, "bad_signature", NOT_AUTHENTICATED)
        try:
            body = request.body
        except UnreadablePostError:
            body = None
        if body is None or len(body) != length:
            # A link that broke mid-request: the node sends the batch again, nothing is booked.
            refuse_unverified(
                request, 400, "incomplete_body",
                f"the request body ended after {len(body or b''):,} of {length:,} bytes announced; the connection was cut, send it again",
            )
        message = protocol.signing_message(request.method, request.get_full_path(), timestamp, body)
        try:
            station = verify_signed(station_uuid, message, raw_signature)
        except StationRejected as exc:
            if not exc.verified:
                refuse_unverified(request, 401, "bad_signature", NOT_AUTHENTICATED)
            # The station's own key signed this: it may hear why it is refused, and it is booked.
            refuse(request, 403, exc.code, exc.reason, station_id=station_uuid, size=length)
        if station.kind != Station.Kind.NODE:
            # Recording stations sign packets; only a node (which holds the office's data
            # anyway) talks to the central, so a stolen station laptop cannot pull the registry.
            refuse(request, 403, "not_a_node", f"station {station.name} is a {station.get_kind_display()}, not a kecamatan node", station_id=station.pk)
        request.sync_clock_offset = skew
        backlog = headers.get(protocol.H_BACKLOG, "")
        # A count the heartbeat's integer column can hold; anything else is simply not reported.
        request.sync_backlog = int(backlog) if backlog.isascii() and backlog.isdigit() and len(backlog) <= 9 else None
        return station


def _uuid(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return None
