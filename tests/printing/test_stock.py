"""The blangko ledger: receipts with serial ranges, transfers, spoilage, counts that must be
explained, the low-stock warning; bad quantities refused with nothing changed."""

import pytest
from django.db import IntegrityError, transaction

from adminduk.printing.actions import stock
from adminduk.printing.choices import MovementKind
from adminduk.printing.errors import PrintingError
from adminduk.printing.models import BlangkoMovement, BlangkoStock, StockCount

pytestmark = pytest.mark.django_db


def test_receipt_transfer_spoilage_and_count_keep_the_balance(dinas, mantikulore):
    stock.receive(dinas, "100", batch_number="DJ-2026-07", serial_from="0001001", serial_to="0001100")
    stock.transfer(dinas, mantikulore, 30, note="permintaan kecamatan")
    stock.spoil_blanks(mantikulore, "damage", 2, note="kotak basah")
    assert (stock.on_hand(dinas), stock.on_hand(mantikulore)) == (70, 28)
    kinds = list(BlangkoMovement.objects.filter(office=mantikulore).order_by("id").values_list("kind", "quantity", "balance"))
    assert kinds == [(MovementKind.TRANSFER_IN, 30, 30), (MovementKind.SPOILAGE, -2, 28)]
    count = stock.count(mantikulore, 27, reason="satu kartu rusak tidak dicatat")
    assert count.difference == -1 and stock.on_hand(mantikulore) == 27
    assert BlangkoMovement.objects.filter(office=mantikulore, kind=MovementKind.ADJUSTMENT, quantity=-1).exists()


@pytest.mark.parametrize("quantity", ["-5", "abc", "", "2.5", "0", None, "99999999"])
def test_negative_or_non_numeric_quantities_are_refused(dinas, quantity):
    with pytest.raises(PrintingError, match="quantity"):
        stock.receive(dinas, quantity, batch_number="B")
    assert not BlangkoMovement.objects.exists() and stock.on_hand(dinas) == 0


def test_bad_receipts_and_transfers_change_nothing(dinas, mantikulore):
    with pytest.raises(PrintingError, match="holds 10 cards, not 5"):
        stock.receive(dinas, 5, batch_number="B", serial_from="0000001", serial_to="0000010")
    with pytest.raises(PrintingError, match="batch number"):
        stock.receive(dinas, 5, batch_number=" ")
    stock.receive(dinas, 5, batch_number="B")
    with pytest.raises(PrintingError, match="Only 5 blank cards"):
        stock.transfer(dinas, mantikulore, 6)
    with pytest.raises(PrintingError, match="reason for the spoilage"):
        stock.spoil_blanks(dinas, "lost-in-the-rain", 1)
    assert stock.on_hand(dinas) == 5 and stock.on_hand(mantikulore) == 0 and BlangkoMovement.objects.count() == 1


def test_a_count_that_does_not_reconcile_needs_a_reason(dinas):
    stock.receive(dinas, 10, batch_number="B")
    with pytest.raises(PrintingError, match="differs from the ledger"):
        stock.count(dinas, 8, reason="")
    assert stock.on_hand(dinas) == 10 and not StockCount.objects.exists()
    assert stock.count(dinas, 10).difference == 0  # a matching count needs no reason


def test_the_database_refuses_negative_stock(dinas):
    stock.receive(dinas, 1, batch_number="B")
    with pytest.raises(IntegrityError), transaction.atomic():
        BlangkoStock.objects.filter(office=dinas).update(quantity=-1)


def test_low_stock_warning_shows_days_left(dinas):
    stock.receive(dinas, 20, batch_number="B")
    assert stock.days_left(dinas) is None and not stock.low_stock(dinas)
    stock.spoil_blanks(dinas, "misprint", 14)  # 14 blanks in 14 days: one a day
    assert stock.days_left(dinas) == pytest.approx(6.0) and stock.low_stock(dinas)
