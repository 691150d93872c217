"""Applying a node's event packets at the central: one mechanism for every app that sends them
(printing, civil, documents).

Each stored packet of an event kind is opened and applied exactly once, in the node's order
(its clock stamped each event as it happened), under a row lock on its inbox row, so two
workers never apply it twice. An event may name the events it follows ("after"): one that
arrives first waits, stored and unapplied, and is applied as soon as its predecessor has been.
An event that is refused fails its packet with the reason and changes nothing else but the
refusal it leaves (sync.models.EventRefusal, by the event's UUID): the office's node receives
it in the pull (sync.refusals), stops waiting for the event and takes the central's copy of
the rows the event was about.

Every kind registers itself here (`register`, from its app's ready()): one task, one resume and
one receiver apply them all (sync.tasks)."""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

WAITING = "waiting for event "


class EventRefused(Exception):
    pass


@dataclass(frozen=True)
class EventKind:
    kind: str  # the packet kind, e.g. "print_event"
    label: str  # how a refusal starts in the inbox row's detail, e.g. "print event"
    apply: Callable  # apply(event: dict, office, packet_id) inside its own savepoint
    refusals: tuple[type[BaseException], ...] = ()  # the app's own errors that refuse an event
    title: str = ""  # what the operator reads for the kind (a lazy translation)
    # Central: subjects(event) -> {name: [ids]}, the rows the event is about (kept with a refusal);
    # central_rows(office, subjects) -> the central's copy of them, in the kind's pull format.
    subjects: Callable | None = None
    central_rows: Callable | None = None
    # Node: node_models() -> models with last_event and event_pending; take_rows(rows) applies
    # central_rows' answer as the pull would.
    node_models: Callable | None = None
    take_rows: Callable | None = None
    describe: Callable | None = None  # node: describe(subjects) -> what the operator reads the refusal is about
    inline: bool = False  # applied in the packet_stored receiver itself instead of a task (sync.tasks)

    def reason(self, exc: BaseException) -> str:
        messages = getattr(exc, "messages", None)  # a ValidationError's first message
        return messages[0] if messages else getattr(exc, "message", None) or str(exc)


KINDS: dict[str, EventKind] = {}


def register(handler: EventKind) -> EventKind:
    KINDS[handler.kind] = handler
    return handler


# Malformed or inconsistent events: refused with the reason, never a retried crash.
MALFORMED = (EventRefused, ObjectDoesNotExist, ValueError, KeyError, TypeError, AttributeError)


def actor(event: dict):
    """The staff account an event names as having acted (None if none, or unknown here)."""
    from adminduk.accounts.models import User

    username = event.get("actor") or ""
    return User.objects.filter(username=username).first() if username else None


def in_node_order(kind: str, packet_ids=None, *, limit: int | None = None) -> list[str]:
    """Stored, unapplied packets of `kind` (all, or of `packet_ids`), in the node's order.
    Packets of one batch share received_at, so the node's clock (device_time) decides."""
    from .models import InboxPacket

    packets = InboxPacket.objects.filter(kind=kind, state=InboxPacket.State.RECEIVED)
    if packet_ids is not None:
        packets = packets.filter(pk__in=list(packet_ids))
    ids = packets.order_by("device_time", "received_at", "id").values_list("id", flat=True)
    return [str(pk) for pk in (ids[:limit] if limit else ids)]


def apply_pending(handler: EventKind, limit: int = 1000) -> int:
    """Apply the stored packets not applied yet (a worker that died, a task lost, an event
    still waiting for its predecessor). Returns how many were looked at."""
    ids = in_node_order(handler.kind, limit=limit)
    for packet_id in ids:
        apply_packet(handler, packet_id)
    return len(ids)


def _waiting_for(event: dict) -> str | None:
    """The first event this one follows that the central has not applied yet. A predecessor
    that was refused does not hold it back; the event then meets the state that refusal left."""
    from .models import InboxPacket

    after = [str(uuid.UUID(str(e))) for e in event.get("after") or []]
    if not after:
        return None
    done = {str(pk) for pk in InboxPacket.objects.filter(pk__in=after, state__in=[InboxPacket.State.PROCESSED, InboxPacket.State.FAILED]).values_list("pk", flat=True)}
    return next((e for e in after if e not in done), None)


def apply_packet(handler: EventKind, packet_id) -> str:
    """Apply one stored event packet exactly once; returns its final inbox state ("received"
    while it waits for an event it follows). Events that waited for this one follow it."""
    from adminduk.enrollment import packets, sealing

    from .models import InboxPacket

    with transaction.atomic():
        inbox = InboxPacket.objects.select_for_update(of=("self",)).select_related("station__office").get(pk=packet_id)
        if inbox.kind != handler.kind or inbox.state in (InboxPacket.State.PROCESSED, InboxPacket.State.FAILED):
            return inbox.state
        event = None
        try:
            packet = packets.parse_packet(bytes(inbox.body))
            event = json.loads(packet.open_part("event", sealing.central_private_key()))
            predecessor = _waiting_for(event)
            if predecessor is not None:
                inbox.state_detail = f"{WAITING}{predecessor}"
                inbox.save(update_fields=["state_detail", "updated_at"])
                return inbox.state
            with transaction.atomic():
                handler.apply(event, inbox.station.office, inbox.pk)
            inbox.state, inbox.state_detail = InboxPacket.State.PROCESSED, str(event.get("type", ""))[:300]
        except (*handler.refusals, *MALFORMED, packets.PacketError) as exc:
            inbox.state, inbox.state_detail = InboxPacket.State.FAILED, f"{handler.label} refused: {handler.reason(exc)}"[:300]
            _keep_refusal(handler, inbox, event, handler.reason(exc))
        inbox.save(update_fields=["state", "state_detail", "updated_at"])
    followers = InboxPacket.objects.filter(kind=handler.kind, state=InboxPacket.State.RECEIVED, state_detail=f"{WAITING}{inbox.pk}")
    for follower in followers.order_by("device_time", "received_at", "id").values_list("pk", flat=True):
        apply_packet(handler, follower)
    return inbox.state


def _keep_refusal(handler: EventKind, inbox, event: dict | None, reason: str) -> None:
    """The refusal, by the event's UUID, for the office's node (inside apply_packet's lock)."""
    from django.utils import timezone

    from .models import EventRefusal

    subjects = {}
    if event is not None and handler.subjects is not None:
        try:
            subjects = handler.subjects(event)
        except MALFORMED:
            subjects = {}
    event_type = str(event.get("type", "")) if isinstance(event, dict) else ""
    EventRefusal.objects.update_or_create(
        pk=inbox.pk,
        defaults={"kind": handler.kind, "office": inbox.station.office, "event_type": event_type[:40], "reason": str(reason)[:300],
                  "subjects": subjects, "refused_at": timezone.now()},
    )
