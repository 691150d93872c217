"""Clear states on the recording page, as the browser renders them: the cancel button is
readable on its white card, the submit button looks disabled until every capture is ready,
a confirmation shows once, and the outbox state is not called "terkirim" (delivered)."""

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kata-sandi-perekaman-2026"


def colours(locator) -> dict:
    return locator.evaluate(
        "e => { const s = getComputedStyle(e); return {color: s.color, background: s.backgroundColor, cursor: s.cursor}; }"
    )


def luminance(rgb: str) -> float:
    parts = [float(p) for p in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    channels = [(c / 255) / 12.92 if c / 255 <= 0.03928 else (((c / 255) + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_recording_page_states_are_clear(page, make_staff, make_resident):
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), certified=("recording",), password=PASSWORD)
    resident = make_resident(full_name="RAHMAT HIDAYAT", sex="L", birth_date="1988-08-08")
    log_in(page, operator, PASSWORD)
    page.goto("/perekaman/")
    page.fill("#call-nik", resident.nik)
    page.click("form.search-form button[type=submit]")
    page.wait_for_url("**/perekaman/sesi/**")

    card = colours(page.locator("#review-card"))["background"]
    cancel = colours(page.locator("#cancel-recording"))
    background = cancel["background"] if not cancel["background"].endswith(", 0)") else card
    assert contrast(cancel["color"], background) >= 4.5  # WCAG AA for normal text

    disabled = colours(page.locator("#submit-recording"))
    assert page.locator("#submit-recording").is_disabled() and disabled["cursor"] == "not-allowed"
    page.click("#confirm-data")
    page.locator("#data-confirmed").wait_for()
    assert page.get_by_text("Data telah dikonfirmasi.").count() == 1
    page.click("#capture-remaining")
    page.locator("#slot-signature.slot-ok").wait_for()
    enabled = colours(page.locator("#submit-recording"))
    assert enabled["background"] != disabled["background"] and enabled["cursor"] != "not-allowed"

    page.click("#submit-recording")
    page.locator("#submitted").wait_for()
    text = page.locator("main").inner_text()
    assert "kotak keluar" in text and "terkirim" not in text.lower()  # in the outbox, not delivered yet
