"""The blangko ledger. Every movement locks the office's stock row (select_for_update, offices
in a fixed order for transfers), so two print workers never take the last blank twice; the
check constraint blangko_stock_never_negative refuses it in the database as well."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record

from .. import events
from ..choices import MovementKind, SpoilageReason
from ..errors import PrintingError
from ..models import BlangkoMovement, BlangkoStock, StockCount

LOW_STOCK_DAYS = 7
RATE_WINDOW_DAYS = 14


def parse_quantity(raw, *, allow_zero: bool = False) -> int:
    """A whole number of cards typed by an operator; PrintingError otherwise."""
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or len(text) > 7:
        raise PrintingError(_("The quantity must be a whole number of cards (0 or more), not “%(value)s”.") % {"value": text[:20]}, code="bad_quantity")
    value = int(text)
    if value == 0 and not allow_zero:
        raise PrintingError(_("The quantity must be at least 1."), code="bad_quantity")
    return value


def _locked(office) -> BlangkoStock:
    BlangkoStock.objects.get_or_create(office=office)
    return BlangkoStock.objects.select_for_update().get(office=office)


def _book(stock: BlangkoStock, kind: str, quantity: int, *, actor=None, note: str = "", **fields) -> BlangkoMovement:
    if stock.quantity + quantity < 0:
        raise PrintingError(
            _("Only %(stock)d blank cards are in stock at %(office)s; %(wanted)d cannot be taken.")
            % {"stock": stock.quantity, "office": stock.office.name, "wanted": -quantity},
            code="out_of_stock",
        )
    stock.quantity += quantity
    try:
        with transaction.atomic():
            stock.save(update_fields=["quantity", "updated_at"])
    except IntegrityError as exc:  # the database's own guard
        raise PrintingError(_("Blangko stock cannot go below zero."), code="out_of_stock") from exc
    movement = BlangkoMovement.objects.create(
        office=stock.office, kind=kind, quantity=quantity, balance=stock.quantity, actor=actor if getattr(actor, "pk", None) else None,
        actor_username=getattr(actor, "username", "") or "", note=note.strip()[:300], **fields,
    )
    record(None, "create", actor=actor, object_type="blangko_movement", object_id=str(movement.pk),
           kecamatan_code=stock.office.kecamatan_id or "", details={"office": stock.office.code, "kind": kind, "quantity": quantity, "balance": stock.quantity})
    return movement


@transaction.atomic
def receive(office, quantity, *, batch_number: str, serial_from: str = "", serial_to: str = "", actor=None, note: str = "") -> BlangkoMovement:
    """Blank cards arrived from the centre (Ditjen Dukcapil), with their batch and serial range."""
    quantity = parse_quantity(quantity)
    batch_number = (batch_number or "").strip()
    if not batch_number:
        raise PrintingError(_("Give the batch number printed on the box."), code="batch_required")
    serial_from, serial_to = (serial_from or "").strip(), (serial_to or "").strip()
    if serial_from.isdigit() and serial_to.isdigit() and len(serial_from) == len(serial_to):
        span = int(serial_to) - int(serial_from) + 1
        if span != quantity:
            raise PrintingError(
                _("The serial range %(first)s–%(last)s holds %(span)d cards, not %(quantity)d.")
                % {"first": serial_from, "last": serial_to, "span": span, "quantity": quantity},
                code="bad_range",
            )
    elif serial_from or serial_to:
        raise PrintingError(_("The serial range needs a first and a last serial of the same number of digits."), code="bad_range")
    return _book(_locked(office), MovementKind.RECEIPT, quantity, actor=actor, note=note, batch_number=batch_number, serial_from=serial_from, serial_to=serial_to)


@transaction.atomic
def transfer(from_office, to_office, quantity, *, actor=None, note: str = "") -> tuple[BlangkoMovement, BlangkoMovement]:
    quantity = parse_quantity(quantity)
    if from_office.pk == to_office.pk:
        raise PrintingError(_("Choose another office to transfer to."), code="same_office")
    # Lock both rows in one fixed order (by primary key), so two opposite transfers never deadlock.
    first, second = sorted([from_office, to_office], key=lambda o: str(o.pk))
    stocks = {first.pk: _locked(first), second.pk: _locked(second)}
    out = _book(stocks[from_office.pk], MovementKind.TRANSFER_OUT, -quantity, actor=actor, note=note, counterpart=to_office)
    into = _book(stocks[to_office.pk], MovementKind.TRANSFER_IN, quantity, actor=actor, note=note, counterpart=from_office)
    return out, into


def consume(office, *, card=None, actor=None, event_id=None) -> BlangkoMovement:
    """One blank used for a good card (inside the caller's transaction)."""
    return _book(_locked(office), MovementKind.CONSUMPTION, -1, actor=actor, card=card, event_id=event_id)


def spoil(office, reason: str, *, quantity=1, card=None, actor=None, note: str = "", event_id=None) -> BlangkoMovement:
    """Blanks ruined (misprint, chip failure, damage). A card found bad after printing is
    booked with quantity 0: its blank was already taken by the consumption."""
    if reason not in SpoilageReason.values:
        raise PrintingError(_("Choose the reason for the spoilage: misprint, chip failure or damage."), code="bad_reason")
    amount = 0 if card is not None and quantity == 0 else parse_quantity(quantity)
    return _book(_locked(office), MovementKind.SPOILAGE, -amount, actor=actor, card=card, spoilage_reason=reason, note=note, event_id=event_id)


@transaction.atomic
def spoil_blanks(office, reason: str, quantity, *, actor=None, note: str = "") -> BlangkoMovement:
    movement = spoil(office, reason, quantity=quantity, actor=actor, note=note)
    events.emit("blanks_spoiled", office, actor=actor, reason=reason, quantity=str(-movement.quantity), note=note)
    return movement


@transaction.atomic
def count(office, counted, *, reason: str = "", actor=None) -> StockCount:
    """A physical count. A difference from the ledger must be explained; the ledger is then
    adjusted to the count with that explanation."""
    counted = parse_quantity(counted, allow_zero=True)
    stock = _locked(office)
    reason = (reason or "").strip()
    difference = counted - stock.quantity
    if difference and not reason:
        raise PrintingError(
            _("The count (%(counted)d) differs from the ledger (%(expected)d) by %(difference)+d: explain the difference.")
            % {"counted": counted, "expected": stock.quantity, "difference": difference},
            code="reason_required",
        )
    entry = StockCount.objects.create(office=office, expected=stock.quantity, counted=counted, reason=reason[:300], actor=actor if getattr(actor, "pk", None) else None)
    if difference:
        _book(stock, MovementKind.ADJUSTMENT, difference, actor=actor, note=reason)
    else:
        record(None, "create", actor=actor, object_type="blangko_count", object_id=str(entry.pk), kecamatan_code=office.kecamatan_id or "",
               details={"office": office.code, "counted": counted, "difference": 0})
    events.emit("count", office, actor=actor, counted=str(counted), reason=reason)
    return entry


def on_hand(office) -> int:
    return BlangkoStock.objects.filter(office=office).values_list("quantity", flat=True).first() or 0


def daily_use(office, *, today: dt.date | None = None) -> float:
    """Blanks used (printed and spoiled) per day over the last RATE_WINDOW_DAYS days."""
    since = timezone.now() - dt.timedelta(days=RATE_WINDOW_DAYS)
    used = BlangkoMovement.objects.filter(office=office, at__gte=since, kind__in=[MovementKind.CONSUMPTION, MovementKind.SPOILAGE]).aggregate(n=Sum("quantity"))["n"]
    return -(used or 0) / RATE_WINDOW_DAYS


def days_left(office) -> float | None:
    """Days until the stock runs out at the recent rate; None when nothing was used lately."""
    rate = daily_use(office)
    return on_hand(office) / rate if rate > 0 else None


def low_stock(office) -> bool:
    """None left, or fewer than LOW_STOCK_DAYS days left at the recent rate."""
    if on_hand(office) == 0:
        return True
    left = days_left(office)
    return left is not None and left < LOW_STOCK_DAYS
