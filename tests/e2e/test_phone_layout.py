"""At a phone's 390×844 the NIK search box shows a whole NIK, dates stay on one line, tables
keep each value on one line (scrolling sideways inside their card) and the page itself never
scrolls sideways."""

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kata-sandi-ponsel-2026"
PHONE = {"width": 390, "height": 844}


def one_line(page, selector: str) -> bool:
    """Does every element matching `selector` render its text on a single line?"""
    return page.eval_on_selector_all(
        selector,
        """els => els.length > 0 && els.every(el => {
            const range = document.createRange(); range.selectNodeContents(el);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return tops.size === 1;
        })""",
    )


def no_sideways_page_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_phone_layout(page, make_staff, sample_family):
    page.set_viewport_size(PHONE)
    admin = make_staff("dinas_admin", password=PASSWORD)
    log_in(page, admin, PASSWORD)
    head = sample_family["head"]

    page.goto("/")
    box = page.locator("#nik-input")
    box.fill(head.nik)
    fits = box.evaluate("el => el.scrollWidth <= el.clientWidth && el.clientWidth >= 200")
    assert fits, "a 16-digit NIK does not fit the search box"
    assert one_line(page, "#figures-title .nowrap")
    assert no_sideways_page_scroll(page)

    page.goto(f"/penduduk/{head.nik}/")
    assert one_line(page, ".table td")  # KK members: names and NIKs on one line
    assert no_sideways_page_scroll(page)

    page.goto("/audit/")
    assert one_line(page, ".table tbody td:first-child")  # "03-12-2026 01:10:19", never "03-12-/2026"
    assert no_sideways_page_scroll(page)
