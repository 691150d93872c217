"""Card issuance in a real browser: print a batch at the Dinas, ship it, receive it card by
card at the kecamatan office's node, hand one card over there after the fingerprint check.

Central and node share the test database (as in the other node browser tests): the server
answers as the central for the printing and dispatch, then as Mantikulore's node (ROLE=node)
for the receipt and the handover, which the node records and queues in its outbox as event
packets for the central."""

import json

import pytest

from adminduk.accounts.models import Station
from adminduk.enrollment import packets, sealing
from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.printing.actions import stock
from adminduk.printing.models import Card
from adminduk.printing.printers import SimulatedCardPrinter, reset_printer
from adminduk.sync.models import OutboxPacket
from tests.printing.conftest import dinas, fresh_matcher, mantikulore, print_ready, station  # noqa: F401  (fixtures)

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_print_ship_receive_and_hand_over(page, print_ready, dinas, mantikulore, make_staff, settings):  # noqa: F811
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
        page.wait_for_selector("#shipment-status")

        # At Mantikulore's node (the printer also works there).
        Station.objects.filter(office=mantikulore).update(name="Perekaman (pusat)")  # the recording fixture's; the node makes its own
        settings.ROLE = "node"
        page.reload()
        page.wait_for_selector("#scan-code")
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
        kinds = [json.loads(packets.parse_packet(bytes(p.body)).open_part("event", sealing.central_private_key()))["type"]
                 for p in OutboxPacket.objects.filter(kind="print_event").order_by("created_at")]
        assert sorted(kinds) == ["handover", "receipt_closed", "received", "received"], kinds
    finally:
        settings.ROLE = "central"
        reset_printer()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == S.PICKED_UP and second.status == S.AT_OFFICE
    assert list(first.events.values_list("to_status", flat=True))[-5:] == [S.PRINTING, S.PRINTED, S.IN_TRANSIT, S.AT_OFFICE, S.PICKED_UP]
