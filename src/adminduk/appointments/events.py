"""What a node does with a booking while it may be offline (a resident checked in, a booking
closed as attended or no-show when the ticket ends) travels to the central as an event packet in
the node's exactly-once outbox (signed by the node's station, sealed to the central). The central
applies each packet once per UUID, after the event it follows (appointments.applying, on the one
mechanism of sync.events); until the central's copy of the booking names the event, the node
keeps its own state (appointments.sync)."""

import json
import uuid

from django.conf import settings
from django.utils import timezone

KIND_BOOKING_EVENT = "booking_event"


def emit(event_type: str, booking, *, actor=None, **data) -> uuid.UUID | None:
    """On a node: seal the event into a packet in the outbox (inside the caller's transaction)
    and mark the booking as waiting for the central; it follows the booking's last event.
    Elsewhere: nothing."""
    if settings.ROLE != "node":
        return None
    from adminduk.enrollment import packets, sealing
    from adminduk.enrollment.station import current_station
    from adminduk.sync import outbox

    from .models import Booking

    packet_id = uuid.uuid4()
    now = timezone.now()
    previous = Booking.objects.filter(pk=booking.pk).values_list("last_event", flat=True).first()
    body = json.dumps({"type": event_type, "booking": str(booking.pk), "office": booking.office.code, "nik": booking.nik,
                       "actor": getattr(actor, "username", "") or "", "device_time": now.isoformat(),
                       "after": [str(previous)] if previous else [], **data}, sort_keys=True, default=str).encode()
    identity = current_station(booking.office)
    sealed = {"event": packets.seal_part(packet_id, "event", body, sealing.central_public_key())}
    outbox.enqueue(packets.build_packet(packet_id=packet_id, station_id=identity.station.pk, kind=KIND_BOOKING_EVENT, sealed_parts=sealed,
                                        private_key=identity.private_key, created_at=now))
    Booking.objects.filter(pk=booking.pk).update(last_event=packet_id, event_pending=True)
    booking.last_event, booking.event_pending = packet_id, True
    return packet_id
