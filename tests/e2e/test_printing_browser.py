"""Card issuance in a real browser: print a batch at the Dinas, ship it, receive it card by
card at the kecamatan office, hand one card over after the fingerprint check."""

import pytest

from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.printing.actions import stock
from adminduk.printing.models import Card
from adminduk.printing.printers import SimulatedCardPrinter, reset_printer
from tests.printing.conftest import dinas, fresh_matcher, mantikulore, print_ready, station  # noqa: F401  (fixtures)

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_print_ship_receive_and_hand_over(page, print_ready, dinas, mantikulore, make_staff):  # noqa: F811
    reset_printer(SimulatedCardPrinter(failure_rate=0))
    first, second = print_ready(), print_ready()
    stock.receive(dinas, 10, batch_number="B-2026-11")
    printer = make_staff("print_operator", offices=("dinas", "72.71.08"), certified=("printing",), password="kata-sandi-uji-2026")
    try:
        log_in(page, printer, "kata-sandi-uji-2026")
        page.goto(f"/pencetakan/?office={dinas.code}")
        page.fill("#batch-limit", "2")
        page.click("#print-batch")
        page.wait_for_selector("#batch-cards")
        assert page.locator("#batch-cards tbody tr").count() == 2
        assert page.locator("#batch-pdf").count() == 1

        page.goto(f"/pencetakan/pengiriman/?office={dinas.code}")
        page.click(f"button[data-to={mantikulore.code}]")
        page.wait_for_selector("#dispatch")
        page.click("#dispatch")
        page.wait_for_selector("#scan-code")  # the printer also works at Mantikulore: it receives here
        for request in (first, second):
            page.fill("#scan-code", Card.objects.get(request=request).serial)
            page.click("#receive")
            page.wait_for_selector("#scan-code")
        page.click("#close-receipt")
        page.wait_for_selector("#shipment-status")

        page.goto(f"/pencetakan/pengambilan/?office={mantikulore.code}&nik={first.nik}")
        page.wait_for_selector("#pickup-card")
        page.click("#check-fingerprint")
        page.wait_for_selector("#handover-done")
    finally:
        reset_printer()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == S.PICKED_UP and second.status == S.AT_OFFICE
    assert list(first.events.values_list("to_status", flat=True))[-5:] == [S.PRINTING, S.PRINTED, S.IN_TRANSIT, S.AT_OFFICE, S.PICKED_UP]
