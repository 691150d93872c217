"""The central side of node events (printing.events): each stored event packet is applied
once per UUID, after the events it names as its predecessors ("after"): one that arrives first
waits, stored and unapplied, and is applied as soon as its predecessor has been (the mechanism
is sync.events; what each event does is here)."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adminduk.sync import events as node_events
from adminduk.sync.events import EventRefused

from .errors import PrintingError
from .events import KIND_PRINT_EVENT


def apply_pending(limit: int = 1000) -> int:
    """Apply stored event packets not applied yet (a worker that died, a task lost), in the
    node's order. Returns how many were looked at."""
    return node_events.apply_pending(HANDLER, limit)


def apply_packet(packet_id) -> str:
    """Apply one stored event packet exactly once; returns its final inbox state ("received"
    while it waits for an event it follows)."""
    return node_events.apply_packet(HANDLER, packet_id)


def _apply(event: dict, office, packet_id) -> None:
    """`office` is the signing station's office: a node acts only for its own office."""
    from adminduk.enrollment import requests as ktp_requests
    from adminduk.enrollment.statuses import RequestStatus as S

    from .actions import jobs, pickup, shipments, stock
    from .choices import JobStatus
    from .models import Card, PrintJob, Shipment

    kind, actor = event["type"], node_events.actor(event)
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


def _subjects(event: dict) -> dict:
    """The job and card an event names (by id, or the card by its serial)."""
    return {name: [str(event[key])] for name, key in (("jobs", "job"), ("cards", "card"), ("serials", "serial")) if event.get(key)}


def _central_rows(office, subjects: dict) -> dict:
    """The central's copy of the refused event's job and card (and their request), in the
    printing streams' format, scoped as the office's pull is."""
    from . import sync
    from .models import Card, PrintJob

    mine = Q(office=office)
    jobs = list(PrintJob.objects.filter(mine | Q(deliver_to=office)).filter(pk__in=subjects.get("jobs") or []).select_related("office", "deliver_to"))
    cards = list(
        Card.objects.filter(mine | Q(printed_at_office=office))
        .filter(Q(pk__in=subjects.get("cards") or []) | Q(serial__in=subjects.get("serials") or []))
        .select_related("office", "printed_at_office")
    )
    return sync.rows_of(office, jobs=jobs, cards=cards)


def _node_models() -> tuple:
    from .models import Card, PrintJob

    return (PrintJob, Card)


def _take_rows(rows: dict) -> None:
    from . import sync

    sync.apply(rows)


def _describe(subjects: dict) -> str:
    """On the node: the NIK of the job or card and its state now."""
    from .models import Card, PrintJob

    jobs = PrintJob.objects.filter(pk__in=subjects.get("jobs") or [])
    cards = Card.objects.filter(Q(pk__in=subjects.get("cards") or []) | Q(serial__in=subjects.get("serials") or []))
    return "; ".join(
        [_("print job %(nik)s, now %(status)s") % {"nik": j.nik, "status": j.get_status_display()} for j in jobs]
        + [_("card %(serial)s (%(nik)s), now %(status)s") % {"serial": c.serial, "nik": c.nik, "status": c.get_status_display()} for c in cards]
    )


HANDLER = node_events.register(node_events.EventKind(
    KIND_PRINT_EVENT, "print event", _apply, (PrintingError,), title=_("printing, shipment or pickup"),
    subjects=_subjects, central_rows=_central_rows, node_models=_node_models, take_rows=_take_rows, describe=_describe,
))
