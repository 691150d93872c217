"""Events a node originates (a card printed or spoiled, a shipment card received, a card handed
over, blanks spoiled or counted) travel to the central as event packets in the node's
exactly-once outbox (signed by the node's station, sealed to the central). The central applies
them once per packet UUID, each after the events it follows (printing.applying)."""

import json
import uuid

from django.conf import settings
from django.utils import timezone

KIND_PRINT_EVENT = "print_event"


def on_node() -> bool:
    return settings.ROLE == "node"


def emit(event_type: str, office, *, actor=None, rows=(), follows=(), **data) -> uuid.UUID | None:
    """On a node: seal `data` into an event packet in the outbox (inside the caller's
    transaction) and mark `rows` (jobs, cards) as waiting for the central. The event follows
    the last events of `rows` and of `follows` (rows it depends on without changing them).
    Elsewhere: nothing."""
    if not on_node():
        return None
    from adminduk.enrollment import packets, sealing
    from adminduk.enrollment.station import current_station
    from adminduk.sync import outbox

    packet_id = uuid.uuid4()
    now = timezone.now()
    # The events this one follows: the last event sent or confirmed for each of its rows. The
    # central applies it only after them, whatever order the packets reach it in.
    after = sorted({str(e) for row in [*rows, *follows] for e in type(row).objects.filter(pk=row.pk).values_list("last_event", flat=True) if e})
    body = json.dumps({"type": event_type, "office": office.code, "actor": getattr(actor, "username", "") or "", "device_time": now.isoformat(),
                       "after": after, **data}, sort_keys=True, default=str).encode()
    identity = current_station(office)
    sealed = {"event": packets.seal_part(packet_id, "event", body, sealing.central_public_key())}
    outbox.enqueue(packets.build_packet(packet_id=packet_id, station_id=identity.station.pk, kind=KIND_PRINT_EVENT, sealed_parts=sealed,
                                        private_key=identity.private_key, created_at=now))
    for row in rows:
        type(row).objects.filter(pk=row.pk).update(last_event=packet_id, event_pending=True)
    return packet_id
