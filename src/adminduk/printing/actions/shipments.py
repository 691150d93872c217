"""Shipments of printed cards from the Dinas to kecamatan offices: a batch with a manifest,
dispatch, receipt card by card at the office, and discrepancies flagged and resolved."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record
from adminduk.enrollment import requests as ktp_requests
from adminduk.enrollment.statuses import RequestStatus as S

from .. import events
from ..choices import CardStatus, DiscrepancyKind, ItemState, Resolution, ShipmentStatus
from ..errors import PrintingError
from ..models import Card, Discrepancy, Shipment, ShipmentItem


def awaiting_shipment(from_office, to_office=None):
    cards = Card.objects.filter(printed_at_office=from_office, status=CardStatus.PRINTED).exclude(office=from_office)
    return cards.filter(office=to_office) if to_office is not None else cards


def _number(from_office) -> str:
    today = timezone.localdate()
    n = Shipment.objects.filter(created_at__date=today).count() + 1
    while True:
        number = f"KRM-{today:%Y%m%d}-{n:03d}"
        if not Shipment.objects.filter(number=number).exists():
            return number
        n += 1


@transaction.atomic
def create_shipment(from_office, to_office, *, actor=None, card_ids=None) -> Shipment:
    """Put the printed cards for `to_office` (or exactly `card_ids`) into a new shipment."""
    cards = awaiting_shipment(from_office, to_office).select_for_update()
    if card_ids is not None:
        cards = cards.filter(pk__in=list(card_ids))
    cards = list(cards.exclude(shipment_items__shipment__status__in=[ShipmentStatus.PREPARED, ShipmentStatus.DISPATCHED]))
    if not cards:
        raise PrintingError(_("No printed card is waiting to go to %(office)s.") % {"office": to_office.name}, code="nothing_to_ship")
    shipment = Shipment.objects.create(number=_number(from_office), from_office=from_office, to_office=to_office, created_by=actor if getattr(actor, "pk", None) else None)
    ShipmentItem.objects.bulk_create([ShipmentItem(shipment=shipment, card=c) for c in cards])
    record(None, "create", actor=actor, object_type="shipment", object_id=shipment.number, kecamatan_code=to_office.kecamatan_id or "",
           details={"to": to_office.code, "cards": len(cards)})
    return shipment


def _locked(shipment) -> Shipment:
    return Shipment.objects.select_for_update(of=("self",)).select_related("to_office", "from_office").get(pk=shipment.pk)


@transaction.atomic
def dispatch(shipment: Shipment, *, actor=None) -> Shipment:
    shipment = _locked(shipment)
    if shipment.status != ShipmentStatus.PREPARED:
        raise PrintingError(_("Shipment %(number)s was already dispatched.") % {"number": shipment.number}, code="not_prepared")
    for item in shipment.items.select_related("card__request"):
        card = item.card
        card.status = CardStatus.IN_TRANSIT
        card.save(update_fields=["status", "updated_at"])
        ktp_requests.transition(card.request, S.IN_TRANSIT, actor=actor, details={"shipment": shipment.number, "card": card.serial})
    shipment.status, shipment.dispatched_at = ShipmentStatus.DISPATCHED, timezone.now()
    shipment.save(update_fields=["status", "dispatched_at", "updated_at"])
    record(None, "update", actor=actor, object_type="shipment", object_id=shipment.number, kecamatan_code=shipment.to_office.kecamatan_id or "",
           details={"status": "dispatched"})
    return shipment


def _arrive(card: Card, shipment: Shipment, *, actor, device_time=None):
    card.status = CardStatus.AT_OFFICE
    card.save(update_fields=["status", "updated_at"])
    ktp_requests.transition(card.request, S.AT_OFFICE, actor=actor, device_time=device_time, details={"shipment": shipment.number, "card": card.serial})


@transaction.atomic
def receive_card(shipment: Shipment, code: str, *, actor=None, device_time=None) -> ShipmentItem:
    """The office scans one card of a dispatched shipment. A code that is not on this
    shipment's manifest is refused with where the card belongs; nothing changes."""
    shipment = _locked(shipment)
    code = (code or "").strip().upper()
    if shipment.status != ShipmentStatus.DISPATCHED:
        raise PrintingError(_("Shipment %(number)s is not on its way (it is %(status)s).") % {"number": shipment.number, "status": shipment.get_status_display()}, code="not_dispatched")
    item = shipment.items.select_for_update(of=("self",)).select_related("card__request").filter(card__serial=code).first()
    if item is None:
        other = ShipmentItem.objects.filter(card__serial=code).exclude(shipment=shipment).select_related("shipment").first()
        if other is not None:
            raise PrintingError(_("Card %(code)s belongs to shipment %(other)s, not %(number)s: keep it apart and flag it as extra if it came in this box.")
                                % {"code": code, "other": other.shipment.number, "number": shipment.number}, code="wrong_shipment")
        raise PrintingError(_("Card %(code)s is not on the manifest of shipment %(number)s.") % {"code": code, "number": shipment.number}, code="not_on_manifest")
    if item.state != ItemState.EXPECTED:
        raise PrintingError(_("Card %(code)s was already booked as %(state)s.") % {"code": code, "state": item.get_state_display()}, code="already_received")
    item.state, item.received_at = ItemState.RECEIVED, timezone.now()
    item.save(update_fields=["state", "received_at"])
    shipment.save(update_fields=["updated_at"])  # the pull sends the shipment with its items again
    _arrive(item.card, shipment, actor=actor, device_time=device_time)
    record(None, "update", actor=actor, object_type="shipment", object_id=shipment.number, kecamatan_code=shipment.to_office.kecamatan_id or "",
           details={"received": code})
    events.emit("received", shipment.to_office, actor=actor, rows=[item.card], shipment=str(shipment.pk), serial=code)
    return item


@transaction.atomic
def flag(shipment: Shipment, kind: str, code: str, *, note: str = "", actor=None) -> Discrepancy:
    """An extra card in the box, or a damaged card of the manifest."""
    from .jobs import spoil_card

    shipment = _locked(shipment)
    code = (code or "").strip().upper()
    if kind not in (DiscrepancyKind.EXTRA, DiscrepancyKind.DAMAGED):
        raise PrintingError(_("Flag a card as extra or damaged."), code="bad_kind")
    if not code:
        raise PrintingError(_("Scan or type the card's code."), code="code_required")
    card = Card.objects.filter(serial=code).first()
    if kind == DiscrepancyKind.DAMAGED:
        item = shipment.items.select_for_update().filter(card__serial=code).first()
        if item is None or item.state != ItemState.EXPECTED:
            raise PrintingError(_("Card %(code)s is not an open item of shipment %(number)s.") % {"code": code, "number": shipment.number}, code="not_on_manifest")
        item.state = ItemState.DAMAGED
        item.save(update_fields=["state"])
    elif shipment.items.filter(card__serial=code).exists():
        raise PrintingError(_("Card %(code)s is on this manifest: receive it instead.") % {"code": code}, code="on_manifest")
    found = Discrepancy.objects.create(shipment=shipment, kind=kind, card=card, code=code, note=note.strip()[:300])
    shipment.save(update_fields=["updated_at"])
    if kind == DiscrepancyKind.DAMAGED:
        spoil_card(card, "damage", actor=actor, note=f"{shipment.number}: {note}")
        found.resolution, found.resolved_at = Resolution.REPRINT, timezone.now()
        found.resolved_by = actor if getattr(actor, "pk", None) else None
        found.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    record(None, "create", actor=actor, object_type="shipment_discrepancy", object_id=str(found.pk), kecamatan_code=shipment.to_office.kecamatan_id or "",
           details={"shipment": shipment.number, "kind": kind, "code": code})
    return found


@transaction.atomic
def close_receipt(shipment: Shipment, *, actor=None) -> Shipment:
    """Receipt is complete: every card not scanned becomes a missing discrepancy."""
    shipment = _locked(shipment)
    if shipment.status != ShipmentStatus.DISPATCHED:
        raise PrintingError(_("Shipment %(number)s is not on its way (it is %(status)s).") % {"number": shipment.number, "status": shipment.get_status_display()}, code="not_dispatched")
    for item in shipment.items.select_for_update().filter(state=ItemState.EXPECTED).select_related("card"):
        item.state = ItemState.MISSING
        item.save(update_fields=["state"])
        Discrepancy.objects.create(shipment=shipment, kind=DiscrepancyKind.MISSING, card=item.card, code=item.card.serial)
    shipment.status, shipment.received_at = ShipmentStatus.RECEIVED, timezone.now()
    shipment.save(update_fields=["status", "received_at", "updated_at"])
    record(None, "update", actor=actor, object_type="shipment", object_id=shipment.number, kecamatan_code=shipment.to_office.kecamatan_id or "",
           details={"status": "received", "missing": shipment.discrepancies.filter(kind=DiscrepancyKind.MISSING).count()})
    # Applied at the central only after each card's receipt (else those would count as missing).
    cards = [item.card for item in shipment.items.select_related("card")]
    events.emit("receipt_closed", shipment.to_office, actor=actor, follows=cards, shipment=str(shipment.pk))
    return shipment


@transaction.atomic
def resolve(discrepancy: Discrepancy, resolution: str, *, note: str = "", actor=None) -> Discrepancy:
    from .jobs import _reprint

    found = Discrepancy.objects.select_for_update(of=("self",)).select_related("shipment", "card__request").get(pk=discrepancy.pk)
    note = (note or "").strip()
    if found.resolution:
        raise PrintingError(_("This discrepancy is already resolved."), code="resolved")
    if not note:
        raise PrintingError(_("Say how the discrepancy was resolved."), code="note_required")
    allowed = {DiscrepancyKind.MISSING: (Resolution.FOUND, Resolution.REPRINT), DiscrepancyKind.EXTRA: (Resolution.RETURNED,)}.get(found.kind, ())
    if resolution not in allowed:
        raise PrintingError(_("That resolution does not fit a %(kind)s card.") % {"kind": found.get_kind_display()}, code="bad_resolution")
    card = found.card
    if found.kind == DiscrepancyKind.MISSING:
        item = found.shipment.items.select_for_update().get(card=card)
        card = Card.objects.select_for_update().get(pk=card.pk)
        if resolution == Resolution.FOUND:
            item.state, item.received_at = ItemState.RECEIVED, timezone.now()
            item.save(update_fields=["state", "received_at"])
            _arrive(card, found.shipment, actor=actor)
        else:
            card.status, card.invalidated_reason = CardStatus.INVALIDATED, f"lost in shipment {found.shipment.number}: {note}"[:300]
            card.save(update_fields=["status", "invalidated_reason", "updated_at"])
            _reprint(card, actor=actor, reason=f"lost in shipment {found.shipment.number}")
    found.resolution, found.resolution_note, found.resolved_at = resolution, note[:300], timezone.now()
    found.resolved_by = actor if getattr(actor, "pk", None) else None
    found.save(update_fields=["resolution", "resolution_note", "resolved_at", "resolved_by"])
    record(None, "update", actor=actor, object_type="shipment_discrepancy", object_id=str(found.pk), kecamatan_code=found.shipment.to_office.kecamatan_id or "",
           details={"resolution": resolution, "note": note})
    return found
