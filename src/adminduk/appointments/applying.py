"""The central side of booking events from a node (appointments.events): each stored packet is
applied once per UUID, in the node's order and after the event it follows (the mechanism is
sync.events). A check-in makes the central's booking checked_in, a closing attended or no_show,
through appointments.actions (audited); an event for a booking of another office is refused."""

import datetime as dt
import uuid

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adminduk.sync import events as node_events
from adminduk.sync.events import EventRefused

from .events import KIND_BOOKING_EVENT
from .rules import BookingRefused


def apply_pending(limit: int = 1000) -> int:
    return node_events.apply_pending(HANDLER, limit)


def apply_packet(packet_id) -> str:
    """Apply one stored booking event exactly once; returns its final inbox state."""
    return node_events.apply_packet(HANDLER, packet_id)


def _apply(event: dict, office, packet_id) -> None:
    """`office` is the signing station's office: a node acts only on its own office's bookings."""
    from . import actions
    from .choices import OPEN_STATUSES, BookingStatus
    from .models import Booking

    kind, actor = event["type"], node_events.actor(event)
    device_time = dt.datetime.fromisoformat(event["device_time"]) if event.get("device_time") else None
    booking = Booking.objects.select_for_update().filter(pk=uuid.UUID(str(event["booking"]))).first()
    if booking is None:
        raise EventRefused(f"no booking {event['booking']}")
    if booking.office_id != office.pk:
        raise EventRefused(f"booking {booking.pk} is not at {office.code}")
    if kind == "check_in":
        if booking.status == BookingStatus.BOOKED:
            actions.check_in(booking, actor=actor, event_id=packet_id, device_time=device_time)
        elif booking.status != BookingStatus.CHECKED_IN:
            raise EventRefused(f"booking {booking.pk} is {booking.status}, not booked")
    elif kind == "closed":
        status = event["status"]
        if status not in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
            raise EventRefused(f"a booking cannot be closed as {status!r}")
        if booking.status in OPEN_STATUSES:
            actions.close(booking, status, actor=actor, event_id=packet_id, device_time=device_time)
        elif booking.status != status:
            raise EventRefused(f"booking {booking.pk} is already {booking.status}")
    else:
        raise EventRefused(f"unknown booking event {kind!r}")
    # The central's copy names the node's event, so the node's pull confirms its own state.
    Booking.objects.filter(pk=booking.pk).update(last_event=packet_id)


def _subjects(event: dict) -> dict:
    return {"bookings": [str(uuid.UUID(str(event["booking"])))]}


def _central_rows(office, subjects: dict) -> dict:
    """The central's copy of the refused event's booking, as the office's pull sends it."""
    from . import sync
    from .models import Booking

    bookings = Booking.objects.filter(pk__in=subjects.get("bookings") or []).filter(Q(office=office) | Q(left_office=office))
    return {"bookings": [sync.booking_row(b) for b in bookings.select_related("slot__office", "office", "created_by")]}


def _node_models() -> tuple:
    from .models import Booking

    return (Booking,)


def _take_rows(rows: dict) -> None:
    from . import sync

    sync.apply(rows)


def _describe(subjects: dict) -> str:
    """On the node: whose booking it was and its state now."""
    from .models import Booking

    found = Booking.objects.select_related("resident").filter(pk__in=subjects.get("bookings") or [])
    return "; ".join(
        _("%(nik)s %(name)s, booking now %(status)s") % {"nik": b.nik, "name": b.resident.full_name, "status": b.get_status_display()} for b in found
    )


HANDLER = node_events.register(node_events.EventKind(
    KIND_BOOKING_EVENT, "booking event", _apply, (BookingRefused,), title=_("booking check-in or closing"),
    subjects=_subjects, central_rows=_central_rows, node_models=_node_models, take_rows=_take_rows, describe=_describe,
))
