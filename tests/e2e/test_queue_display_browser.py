"""The waiting-room display updates without reloading when a counter calls the next ticket,
and announces it (chime and speech from its static script): an operator on a phone-sized
screen (390×844) prints a ticket and calls it at Loket 1 while the display is open on another
screen. The page fixture fails the test on any Content-Security-Policy violation."""

import re

import pytest
from playwright.sync_api import expect

from tests.queueing.conftest import counters, office  # noqa: F401 - fixtures

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kata-sandi-antrian-2026"
PHONE = {"width": 390, "height": 844}


def test_display_updates_when_a_counter_calls_the_next_ticket(page, browser, live_server, office, counters, make_staff):
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), password=PASSWORD)
    tv = browser.new_context(locale="id-ID", base_url=live_server.url, viewport={"width": 1280, "height": 720}).new_page()
    violations = []
    tv.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    tv.goto(f"/antrian/layar/{office.code}/")
    assert "Belum ada nomor yang dipanggil" in tv.inner_text("#board")
    tv.evaluate("window.__sameDocument = true")
    tv.click("#sound-on")  # what a person does once at the TV: sound is allowed after a click

    page.set_viewport_size(PHONE)
    log_in(page, operator, PASSWORD)
    page.goto("/antrian/")
    page.select_option("#id_service", "perekaman")
    page.select_option("#id_priority", "lansia")
    page.click("#issue-ticket")
    assert page.inner_text("#ticket-number") == "A001"
    page.goto("/antrian/")
    page.locator("#counter-1 button", has_text="Panggil berikutnya").click()
    page.wait_for_url("**/antrian/?office=*")
    assert "A001" in page.inner_text("#counter-1")

    # The display shows it within a few polls, in the same document (no reload), and announced it.
    expect(tv.locator("#tv-number")).to_have_text("A001", timeout=10_000)
    assert tv.inner_text("#tv-counter") == "Loket 1"
    assert tv.evaluate("window.__sameDocument") is True
    expect(tv.locator("body")).to_have_attribute("data-announced", re.compile(r":1$"), timeout=5_000)

    # A recall is announced again.
    page.locator("#counter-1 button", has_text="Panggil ulang").click()
    expect(tv.locator("body")).to_have_attribute("data-announced", re.compile(r":2$"), timeout=10_000)
    tv.context.close()
    assert not violations, violations
