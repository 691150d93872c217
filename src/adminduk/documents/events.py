"""What a node's documents do travels to the central as event packets in the node's outbox
(signed by its station, sealed to the central, stored once per UUID): its signing key, each
document it issued offline (so the central's page and key list know it) and revocations.
At the central a node acts only for its own station's office."""

import json
import uuid

from django.conf import settings
from django.utils import timezone

KIND_DOCUMENT_EVENT = "document_event"


def emit(event_type: str, office, *, actor=None, **data) -> uuid.UUID | None:
    """On a node: seal the event into an outbox packet (inside the caller's transaction)."""
    if settings.ROLE != "node":
        return None
    from adminduk.enrollment import packets, sealing
    from adminduk.enrollment.station import current_station
    from adminduk.sync import outbox

    packet_id = uuid.uuid4()
    now = timezone.now()
    body = json.dumps({"type": event_type, "office": office.code, "actor": getattr(actor, "username", "") or "", "device_time": now.isoformat(), **data},
                      sort_keys=True, default=str).encode()
    identity = current_station(office)
    sealed = {"event": packets.seal_part(packet_id, "event", body, sealing.central_public_key())}
    outbox.enqueue(packets.build_packet(packet_id=packet_id, station_id=identity.station.pk, kind=KIND_DOCUMENT_EVENT, sealed_parts=sealed,
                                        private_key=identity.private_key, created_at=now))
    return packet_id
