"""The print operator's pages at the Dinas and the office: the queue and batch printing, stock
forms, shipments scanned card by card, pickup; bad input answers 400 and changes nothing."""

import pytest
from django.urls import reverse

from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.printing.actions import jobs, shipments, stock
from adminduk.printing.models import BlangkoMovement, Card, PrintQuota, Shipment
from adminduk.printing.printers import SimulatedCardPrinter, reset_printer

from ..conftest import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reliable_printer():
    reset_printer(SimulatedCardPrinter(failure_rate=0))
    yield
    reset_printer()


@pytest.fixture
def printer_client(client, make_staff, dinas, mantikulore):
    user = make_staff("print_operator", offices=("dinas", "72.71.08"), certified=("printing",))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_verified(client, user)
    client.user = user
    return client


def test_queue_batch_print_and_batch_pdf(printer_client, print_ready, dinas):
    requests = [print_ready(), print_ready()]
    stock.receive(dinas, 5, batch_number="B")
    page = printer_client.get(reverse("printing:queue"), {"office": dinas.code})
    assert page.status_code == 200 and requests[0].nik.encode() in page.content
    response = printer_client.post(reverse("printing:print_batch"), {"office": dinas.code, "limit": "2"})
    assert response.status_code == 302
    batch_page = printer_client.get(response["Location"])
    assert batch_page.status_code == 200 and Card.objects.count() == 2
    pdf = printer_client.get(reverse("printing:batch_pdf", args=[Card.objects.first().job.batch_id]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    png = printer_client.get(reverse("printing:card_png", args=[Card.objects.first().serial]))
    assert png.content.startswith(b"\x89PNG")
    for request in requests:
        request.refresh_from_db()
        assert request.status == S.PRINTED


@pytest.mark.parametrize("limit", ["-1", "abc", "0", ""])
def test_a_bad_batch_size_is_refused(printer_client, print_ready, dinas, limit):
    request = print_ready()
    stock.receive(dinas, 5, batch_number="B")
    response = printer_client.post(reverse("printing:print_batch"), {"office": dinas.code, "limit": limit})
    assert response.status_code == 400 and b"quantity" in response.content
    request.refresh_from_db()
    assert request.status == S.PRINT_READY and stock.on_hand(dinas) == 5


@pytest.mark.parametrize("quantity", ["-3", "tiga", "1e3"])
def test_stock_forms_refuse_bad_quantities(printer_client, dinas, quantity):
    response = printer_client.post(reverse("printing:stock"), {"office": dinas.code, "action": "receive", "quantity": quantity, "batch_number": "B"})
    assert response.status_code == 400 and not BlangkoMovement.objects.exists()


def test_a_count_without_reason_is_refused_on_the_page(printer_client, dinas):
    stock.receive(dinas, 4, batch_number="B")
    response = printer_client.post(reverse("printing:stock"), {"office": dinas.code, "action": "count", "counted": "3", "reason": ""})
    assert response.status_code == 400 and b"explain the difference" in response.content
    assert stock.on_hand(dinas) == 4


def test_another_office_is_not_the_users(printer_client, make_office):
    other = make_office("72.71.02")
    assert printer_client.get(reverse("printing:queue"), {"office": other.code}).status_code == 403
    assert printer_client.post(reverse("printing:stock"), {"office": other.code, "action": "receive", "quantity": "5", "batch_number": "B"}).status_code == 403


def test_shipment_scanning_and_pickup_on_the_pages(printer_client, print_ready, dinas, mantikulore, make_office):
    first, second = print_ready(), print_ready()
    stock.receive(dinas, 5, batch_number="B")
    printed = jobs.print_batch(jobs.start_batch(dinas), printer=SimulatedCardPrinter(failure_rate=0))["printed"]
    response = printer_client.post(reverse("printing:shipments"), {"office": dinas.code, "to_office": mantikulore.code})
    shipment = Shipment.objects.get()
    assert response["Location"] == reverse("printing:shipment", args=[shipment.pk])
    assert printer_client.get(reverse("printing:manifest_pdf", args=[shipment.pk])).content.startswith(b"%PDF")
    url = reverse("printing:shipment", args=[shipment.pk])
    assert printer_client.post(url, {"action": "dispatch"}).status_code == 302
    # A card of another shipment scanned here: refused with where it belongs, nothing booked.
    palu_barat = make_office("72.71.02")
    stray = print_ready()
    stray_card = jobs.print_batch(jobs.start_batch(dinas), printer=SimulatedCardPrinter(failure_rate=0))["printed"][0]
    Card.objects.filter(pk=stray_card.pk).update(office=palu_barat)
    other = shipments.create_shipment(dinas, palu_barat)
    wrong = printer_client.post(url, {"action": "receive", "code": stray_card.serial})
    assert wrong.status_code == 400 and other.number.encode() in wrong.content
    stray.refresh_from_db()
    assert stray.status == S.PRINTED
    assert printer_client.post(url, {"action": "receive", "code": printed[0].serial}).status_code == 302
    assert printer_client.post(url, {"action": "close"}).status_code == 302
    shipment.refresh_from_db()
    missing = shipment.discrepancies.get()
    assert missing.kind == "missing" and missing.card == printed[1]
    assert printer_client.post(url, {"action": "resolve", "discrepancy": missing.pk, "resolution": "found", "note": ""}).status_code == 400
    assert printer_client.post(url, {"action": "resolve", "discrepancy": missing.pk, "resolution": "found", "note": "terselip di kotak"}).status_code == 302
    second.refresh_from_db()
    assert second.status == S.AT_OFFICE

    pickup_url = reverse("printing:pickup")
    assert printer_client.get(pickup_url, {"office": mantikulore.code, "nik": "12ab"}).status_code == 400
    failed = printer_client.post(pickup_url, {"office": mantikulore.code, "nik": first.nik, "method": "fingerprint", "subject": "someone-else"})
    assert failed.status_code == 400 and b"does not match" in failed.content
    first.refresh_from_db()
    assert first.status == S.AT_OFFICE
    done = printer_client.post(pickup_url, {"office": mantikulore.code, "nik": first.nik, "method": "fingerprint"})
    assert done.status_code == 200 and b"handover-done" in done.content
    first.refresh_from_db()
    assert first.status == S.PICKED_UP


def test_dinas_admin_sets_quotas(client, make_staff, dinas, mantikulore):
    admin = make_staff("dinas_admin")
    login_verified(client, admin)
    assert client.get(reverse("printing:quotas")).status_code == 200
    assert client.post(reverse("printing:quotas"), {"office": mantikulore.code, "daily_cards": "-4"}).status_code == 400
    assert client.post(reverse("printing:quotas"), {"office": mantikulore.code, "daily_cards": "100"}).status_code == 302
    assert PrintQuota.objects.get(office=mantikulore).daily_cards == 100


@pytest.mark.parametrize("role", ["central", "node"])
def test_low_stock_warning_with_days_left_on_every_print_page(printer_client, dinas, mantikulore, settings, role):
    stock.receive(dinas, 20, batch_number="B")
    pages = [reverse(name) for name in ("printing:queue", "printing:stock", "printing:shipments", "printing:pickup")]
    for url in pages:
        assert b'id="low-stock"' not in printer_client.get(url, {"office": dinas.code}).content
    stock.spoil_blanks(dinas, "misprint", 14)  # 14 blanks in the last 14 days: one a day, 6 left
    settings.ROLE = role
    for url in pages:
        page = printer_client.get(url, {"office": dinas.code})
        assert page.status_code == 200
        assert b'id="low-stock"' in page.content and b"about 6.0 days left at the recent rate of 1.0 a day" in page.content, url
    page = printer_client.get(pages[0], {"office": mantikulore.code})  # none at all
    assert b"No blangko left at" in page.content
