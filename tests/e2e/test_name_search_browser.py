"""Find a resident by name in a real browser, at a phone's width: a typo and the words in
another order still find her; the namesake in another kecamatan stays invisible."""

import pytest

from adminduk.audit.models import AuditEntry

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kata-sandi-cari-2026"


def test_a_name_search_with_a_typo_finds_the_resident(page, make_staff, make_resident):
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), password=PASSWORD)
    wanted = make_resident(full_name="SITI AMINAH LUBIS", sex="P", birth_date="1983-07-21")
    make_resident(full_name="BUDI SANTOSO", sex="L", birth_date="1980-03-02")
    namesake = make_resident(full_name="SITI AMINAH LUBIS", sex="P", birth_date="1983-07-21", kelurahan="72.71.01.1004")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, operator, PASSWORD)

    page.goto("/penduduk/cari/")
    page.fill("#name-input", "ab")  # too short: the page says why, in Indonesian
    page.press("#name-input", "Enter")
    page.wait_for_selector("#search-result >> text=Ketik paling sedikit 3 huruf dari nama.")

    page.fill("#name-input", "aminah sitti")  # a typo, and the words in another order
    page.fill("#birth-input", "1983")
    page.press("#name-input", "Enter")
    link = page.locator(f"#search-result a[href='/penduduk/{wanted.nik}/']")
    link.wait_for()
    assert "1 penduduk ditemukan" in page.inner_text("#search-result")
    assert namesake.nik not in page.content()
    # Usable at a phone's width: the inputs keep their size and nothing overflows sideways.
    assert page.locator("#name-input").bounding_box()["width"] > 250
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    link.click()
    page.wait_for_url(f"**/penduduk/{wanted.nik}/")
    assert wanted.full_name in page.content()
    assert AuditEntry.objects.filter(action="search", details__mentions=[wanted.nik]).exists()
