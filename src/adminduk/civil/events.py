"""Counter applications taken on a node travel to the central as event packets in the node's
exactly-once outbox (signed by the node's station, sealed to the central), one packet for the
application and one per supporting document (each under the packet size limit), and are applied
at the central once per packet UUID in the node's order. The application keeps its UUID, so a
packet delivered twice or a document arriving after its application changes nothing twice."""

import base64
import datetime as dt
import json
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

KIND_CIVIL_EVENT = "civil_event"
APPLICATION_FIELDS = ("kind", "channel", "applicant_nik", "data")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def application_fields(application) -> dict:
    return {name: getattr(application, name) for name in APPLICATION_FIELDS} | {"submitted_at": application.submitted_at.isoformat()}


def emit(event_type: str, application, *, actor=None, **data) -> uuid.UUID | None:
    """On a node: seal the event into a packet in the outbox (inside the caller's transaction)
    and mark the application as waiting for the central. Elsewhere: nothing."""
    if settings.ROLE != "node":
        return None
    from adminduk.enrollment import packets, sealing
    from adminduk.enrollment.station import current_station
    from adminduk.sync import outbox

    from .models import Application

    packet_id = uuid.uuid4()
    now = timezone.now()
    body = json.dumps({"type": event_type, "application": str(application.pk), "actor": getattr(actor, "username", "") or "",
                       "device_time": now.isoformat(), **data}, sort_keys=True, default=str).encode()
    identity = current_station(application.office)
    sealed = {"event": packets.seal_part(packet_id, "event", body, sealing.central_public_key())}
    outbox.enqueue(packets.build_packet(packet_id=packet_id, station_id=identity.station.pk, kind=KIND_CIVIL_EVENT, sealed_parts=sealed,
                                        private_key=identity.private_key, created_at=now))
    Application.objects.filter(pk=application.pk).update(event_pending=True)
    return packet_id


# --- Central side ----------------------------------------------------------------------------


class EventRefused(Exception):
    pass


def on_packet_stored(sender=None, packet_ids=(), **kwargs) -> None:
    from adminduk.sync.models import InboxPacket

    from .tasks import apply_events

    ids = [str(p) for p in InboxPacket.objects.filter(pk__in=list(packet_ids), kind=KIND_CIVIL_EVENT).order_by("device_time", "received_at", "id").values_list("id", flat=True)]
    if ids:
        apply_events(ids)


def apply_pending(limit: int = 1000) -> int:
    from adminduk.sync.models import InboxPacket

    ids = list(InboxPacket.objects.filter(kind=KIND_CIVIL_EVENT, state=InboxPacket.State.RECEIVED).order_by("device_time", "received_at", "id").values_list("id", flat=True)[:limit])
    for packet_id in ids:
        apply_packet(packet_id)
    return len(ids)


def apply_packet(packet_id) -> str:
    """Apply one stored civil event packet exactly once; returns its final inbox state."""
    from adminduk.enrollment import packets, sealing
    from adminduk.sync.models import InboxPacket

    from .errors import CivilError
    from .uploads import UploadRefused

    with transaction.atomic():
        inbox = InboxPacket.objects.select_for_update(of=("self",)).select_related("station__office").get(pk=packet_id)
        if inbox.kind != KIND_CIVIL_EVENT or inbox.state in (InboxPacket.State.PROCESSED, InboxPacket.State.FAILED):
            return inbox.state
        try:
            packet = packets.parse_packet(bytes(inbox.body))
            event = json.loads(packet.open_part("event", sealing.central_private_key()))
            with transaction.atomic():
                _apply(event, inbox.station.office)
            inbox.state, inbox.state_detail = InboxPacket.State.PROCESSED, str(event.get("type", ""))[:300]
        except (CivilError, UploadRefused, EventRefused, packets.PacketError, ValueError, KeyError, TypeError) as exc:
            reason = exc.messages[0] if isinstance(exc, CivilError) else getattr(exc, "message", None) or str(exc)
            inbox.state, inbox.state_detail = InboxPacket.State.FAILED, f"civil event refused: {reason}"[:300]
        inbox.save(update_fields=["state", "state_detail", "updated_at"])
        return inbox.state


def _actor(username: str):
    from adminduk.accounts.models import User

    return User.objects.filter(username=username).first() if username else None


def _apply(event: dict, office) -> None:
    """`office` is the signing station's office: a node submits only for its own office."""
    from . import actions
    from .choices import Action
    from .models import Application, ApplicationDocument

    kind, actor = event["type"], _actor(event.get("actor", ""))
    application_id = uuid.UUID(event["application"])
    if kind == "submitted":
        if Application.objects.filter(pk=application_id).exists():
            return
        fields = event["application_fields"]
        application = actions.submit(fields["kind"], fields["data"], office=office, channel=fields["channel"], actor=actor,
                                     application_id=application_id, submitted_at=dt.datetime.fromisoformat(fields["submitted_at"]), from_node=True)
        actions._journal(application, Action.RECEIVED, actor=None, details={"office": office.code})
    elif kind == "document_added":
        application = Application.objects.filter(pk=application_id, office=office).first()
        if application is None:
            raise EventRefused(f"application {application_id} was not submitted at {office.code}")
        if ApplicationDocument.objects.filter(pk=event["document"]).exists():
            return
        actions.add_document(application, event["requirement"], base64.b64decode(event["content"]), event.get("name", ""), actor=actor,
                             document_id=uuid.UUID(event["document"]))
    else:
        raise EventRefused(f"unknown civil event {kind!r}")
