"""The resident portal on a phone (390×844), in Indonesian: sign in with the code sent to the
phone, see the KK and a request's status in plain words, book a recording slot and move it."""

import pytest

from adminduk.appointments.models import Booking
from adminduk.enrollment.requests import open_request, transition
from adminduk.enrollment.statuses import RequestStatus
from tests.appointments.conftest import day, office  # noqa: F401 - fixtures
from tests.portal.conftest import code_for, family_with_phones, outbox  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def no_sideways_page_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def sign_in(page, resident):
    page.goto("/portal/")
    page.fill("#id_nik", resident.nik)
    page.click("button[type=submit].button")
    page.wait_for_selector("#id_code")
    assert "kode sedang dikirim" in page.content()
    page.fill("#id_code", code_for(resident.phone))
    page.click("form[action='/portal/kode/'] button[type=submit]")
    page.wait_for_url("**/portal/beranda/")


def test_sign_in_see_status_book_and_reschedule_on_a_phone(page, family_with_phones, office, day):  # noqa: F811
    page.set_viewport_size(PHONE)
    head, wife = family_with_phones["head"], family_with_phones["wife"]
    request = open_request(nik=wife.nik, office=office, kecamatan_code="72.71.08", status=RequestStatus.RECORDED, resident=wife)
    for status in ("sent", "received", "validated", "dedup_pending", "print_ready", "printing", "printed", "at_office"):
        transition(request, status)

    # The wife: her card is ready, in plain Indonesian, with the office named.
    sign_in(page, wife)
    assert page.locator("h1").inner_text().startswith("Halo")
    assert page.locator(".badge", has_text="KTP-el siap diambil").is_visible()
    assert f"KTP-el Anda siap diambil di {office.name}" in page.content()
    assert head.full_name in page.content()  # her KK
    assert no_sideways_page_scroll(page)
    page.click("text=Keluar")
    page.wait_for_url("**/portal/")

    # The head: not recorded yet, books a recording slot and moves it.
    sign_in(page, head)
    page.click("text=Pesan jadwal perekaman")
    page.wait_for_url("**/portal/janji/**")
    page.select_option("#office", office.code)
    page.fill("#date", day.isoformat())
    page.click("text=Tampilkan waktu kosong")
    page.wait_for_selector("input[name=slot]")
    assert no_sideways_page_scroll(page)
    page.locator("input[name=slot]:not([disabled])").first.check()
    page.click("text=Pesan waktu ini")
    page.wait_for_url("**/portal/beranda/")
    booking = Booking.objects.get(resident=head)
    first_slot = booking.slot_id
    assert page.locator(".booking .badge", has_text="Terjadwal").is_visible()
    assert office.name in page.locator(".booking").inner_text()

    page.click("text=Pindah ke waktu lain")
    page.wait_for_url("**/portal/janji/pindah/**")
    page.fill("#date", day.isoformat())
    page.click("text=Tampilkan waktu kosong")
    page.wait_for_selector("input[name=slot]")
    page.locator("input[name=slot]:not([disabled])").nth(1).check()
    page.click("text=Pindah ke waktu ini")
    page.wait_for_url("**/portal/beranda/")
    booking.refresh_from_db()
    assert booking.slot_id != first_slot and booking.status == "booked"
    assert no_sideways_page_scroll(page)
