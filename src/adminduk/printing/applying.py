"""The central side of node events (printing.events): each stored event packet is applied
once per UUID, after the events it names as its predecessors ("after"): one that arrives first
waits, stored and unapplied, and is applied as soon as its predecessor has been."""

import datetime as dt
import json
import uuid

from django.db import transaction

from .events import KIND_PRINT_EVENT

class EventRefused(Exception):
    pass


def apply_pending(limit: int = 1000) -> int:
    """Apply stored event packets not applied yet (a worker that died, a task lost), in the
    node's order. Returns how many were looked at."""
    from adminduk.sync.models import InboxPacket

    ids = list(InboxPacket.objects.filter(kind=KIND_PRINT_EVENT, state=InboxPacket.State.RECEIVED).order_by("device_time", "received_at", "id").values_list("id", flat=True)[:limit])
    for packet_id in ids:
        apply_packet(packet_id)
    return len(ids)


WAITING = "waiting for event "


def _waiting_for(event: dict) -> str | None:
    """The first event this one follows that the central has not applied yet (not arrived, or
    stored and not applied): this one waits for it. A predecessor that was refused does not
    hold it back; the event then meets the state that refusal left."""
    from adminduk.sync.models import InboxPacket

    after = [str(uuid.UUID(str(e))) for e in event.get("after") or []]
    if not after:
        return None
    done = {str(pk) for pk in InboxPacket.objects.filter(pk__in=after, state__in=[InboxPacket.State.PROCESSED, InboxPacket.State.FAILED]).values_list("pk", flat=True)}
    return next((e for e in after if e not in done), None)


def apply_packet(packet_id) -> str:
    """Apply one stored event packet exactly once; returns its final inbox state ("received"
    while it waits for an event it follows). Events that waited for this one are applied after it."""
    from django.core.exceptions import ObjectDoesNotExist

    from adminduk.enrollment import packets, sealing
    from adminduk.sync.models import InboxPacket

    from .errors import PrintingError

    with transaction.atomic():
        inbox = InboxPacket.objects.select_for_update(of=("self",)).select_related("station__office").get(pk=packet_id)
        if inbox.kind != KIND_PRINT_EVENT or inbox.state in (InboxPacket.State.PROCESSED, InboxPacket.State.FAILED):
            return inbox.state
        try:
            packet = packets.parse_packet(bytes(inbox.body))
            event = json.loads(packet.open_part("event", sealing.central_private_key()))
            predecessor = _waiting_for(event)
            if predecessor is not None:
                inbox.state_detail = f"{WAITING}{predecessor}"
                inbox.save(update_fields=["state_detail", "updated_at"])
                return inbox.state
            with transaction.atomic():
                _apply(event, inbox.station.office, packet_id=inbox.pk)
            inbox.state, inbox.state_detail = InboxPacket.State.PROCESSED, str(event.get("type", ""))[:300]
        except (PrintingError, EventRefused, packets.PacketError, ObjectDoesNotExist, ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = exc.messages[0] if isinstance(exc, PrintingError) else str(exc)
            inbox.state, inbox.state_detail = InboxPacket.State.FAILED, f"print event refused: {reason}"[:300]
        inbox.save(update_fields=["state", "state_detail", "updated_at"])
    for follower in InboxPacket.objects.filter(kind=KIND_PRINT_EVENT, state=InboxPacket.State.RECEIVED, state_detail=f"{WAITING}{inbox.pk}"
                                               ).order_by("device_time", "received_at", "id").values_list("pk", flat=True):
        apply_packet(follower)
    return inbox.state


def _actor(username: str):
    from adminduk.accounts.models import User

    return User.objects.filter(username=username).first() if username else None


def _apply(event: dict, office, *, packet_id) -> None:
    """`office` is the signing station's office: a node acts only for its own office."""
    from adminduk.enrollment import requests as ktp_requests
    from adminduk.enrollment.statuses import RequestStatus as S

    from .actions import jobs, pickup, shipments, stock
    from .choices import JobStatus
    from .models import Card, PrintJob, Shipment

    kind, actor = event["type"], _actor(event.get("actor", ""))
    device_time = dt.datetime.fromisoformat(event["device_time"]) if event.get("device_time") else None
    if kind in ("printed", "print_spoiled"):
        job = PrintJob.objects.select_for_update().get(pk=event["job"])
        if job.office_id != office.pk:
            raise EventRefused(f"print job {job.pk} is not queued at {office.code}")
        if job.status == JobStatus.QUEUED:  # the node took it into a batch while offline
            ktp_requests.transition(job.request, S.PRINTING, actor=actor, device_time=device_time, details={"job": str(job.pk), "node_event": str(packet_id)})
            job.status = JobStatus.PRINTING
            job.save(update_fields=["status", "updated_at"])
        card = jobs.record_print(job, ok=kind == "printed", serial=event.get("serial", ""), spoilage_reason=event.get("reason", ""),
                                 chip=event.get("chip"), actor=actor, event_id=packet_id, device_time=device_time, card_id=event.get("card"))
        PrintJob.objects.filter(pk=job.pk).update(last_event=packet_id)
        if card is not None:
            Card.objects.filter(pk=card.pk).update(last_event=packet_id)
    elif kind == "card_spoiled":
        card = Card.objects.get(serial=event["serial"], printed_at_office=office)
        jobs.spoil_card(card, event["reason"], actor=actor, note=event.get("note", ""), event_id=packet_id)
        Card.objects.filter(pk=card.pk).update(last_event=packet_id)
    elif kind == "received":
        shipment = Shipment.objects.get(pk=event["shipment"], to_office=office)
        item = shipments.receive_card(shipment, event["serial"], actor=actor, device_time=device_time)
        Card.objects.filter(pk=item.card_id).update(last_event=packet_id)
    elif kind == "receipt_closed":
        shipments.close_receipt(Shipment.objects.get(pk=event["shipment"], to_office=office), actor=actor)
    elif kind == "handover":
        card = Card.objects.get(serial=event["serial"], office=office)
        check = pickup.FingerCheck(event.get("finger", "R1"), float(event["score"])) if event.get("score") is not None else None
        pickup.hand_over(card, method=event["method"], office=office, actor=actor, check=check, reason=event.get("reason", ""),
                         device_time=device_time, handover_id=event.get("handover"))
        Card.objects.filter(pk=card.pk).update(last_event=packet_id)
    elif kind == "suket_issued":  # the document itself comes as a documents event of the same node
        from .actions import suket

        job = PrintJob.objects.select_for_update().get(pk=event["job"])
        if job.office_id != office.pk:
            raise EventRefused(f"print job {job.pk} is not queued at {office.code}")
        if not Card.objects.filter(pk=event["card"]).exists():
            suket.record_suket(job, event["number"], actor=actor, card_id=event["card"])
        PrintJob.objects.filter(pk=job.pk).update(last_event=packet_id)
    elif kind == "blanks_spoiled":
        stock.spoil(office, event["reason"], quantity=event["quantity"], actor=actor, note=event.get("note", ""), event_id=packet_id)
    elif kind == "count":
        stock.count(office, event["counted"], reason=event.get("reason", ""), actor=actor)
    else:
        raise EventRefused(f"unknown print event {kind!r}")
