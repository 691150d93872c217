"""A certified kecamatan operator records one resident in headless Chromium: call by NIK,
confirm the data, capture (one slot through htmx, then the rest), retake a blurred capture,
review and submit; the packet is in the outbox and the page shows the request status."""

import pytest

from adminduk.enrollment.models import KtpRequest
from adminduk.enrollment.statuses import RequestStatus
from adminduk.sync.models import OutboxPacket

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kata-sandi-perekaman-2026"


def test_record_one_resident_from_call_to_packet(page, make_staff, make_resident):
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), certified=("recording",), password=PASSWORD)
    resident = make_resident(full_name="RAHMAT HIDAYAT", sex="L", birth_date="1988-08-08")
    log_in(page, operator, PASSWORD)

    page.goto("/perekaman/")
    page.fill("#call-nik", "1234")
    page.click("form.search-form button[type=submit]")
    page.locator("#call-error").wait_for()  # invalid NIK: a message, and no session

    page.fill("#call-nik", resident.nik)
    page.click("form.search-form button[type=submit]")
    page.wait_for_url("**/perekaman/sesi/**")
    assert "RAHMAT HIDAYAT" in page.locator("h1").inner_text()

    page.click("#confirm-data")
    page.locator("#data-confirmed").wait_for()

    # One capture through htmx with the simulator set to blur: the card asks for a retake.
    face = page.locator("#slot-face")
    face.locator("select[name=condition]").select_option("blurred")
    face.locator("button[name=capture]").click()
    page.locator("#slot-face.slot-bad").wait_for()
    assert page.locator("#submit-recording").is_disabled()
    page.locator("#slot-face button[name=capture]").click()
    page.locator("#slot-face.slot-ok img.slot-preview").wait_for()

    page.click("#capture-remaining")
    page.locator("#slot-signature.slot-ok").wait_for()
    assert page.locator(".slot.slot-ok").count() == 14
    assert page.locator("#submit-recording").is_enabled()

    page.click("#submit-recording")
    page.locator("#submitted").wait_for()
    assert "BIO_CAPTURED" in page.locator("#submitted").inner_text()

    request = KtpRequest.objects.get(nik=resident.nik)
    assert request.status == RequestStatus.RECORDED
    assert OutboxPacket.objects.filter(pk=request.packet_id).exists()
    assert page.locator("#request-status").is_visible()

    page.goto("/perekaman/")
    assert resident.nik in page.locator("table").inner_text()
