"""Counter applications taken on a node travel to the central as event packets in the node's
exactly-once outbox (signed by the node's station, sealed to the central), one packet for the
application and one per supporting document (each under the packet size limit), and are applied
at the central once per packet UUID in the node's order (civil.applying). The application keeps its UUID, so a
packet delivered twice or a document arriving after its application changes nothing twice."""

import base64
import json
import uuid

from django.conf import settings
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
    Application.objects.filter(pk=application.pk).update(last_event=packet_id, event_pending=True)
    return packet_id
