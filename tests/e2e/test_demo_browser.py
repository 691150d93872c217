"""The demo in a real browser: log in with a demo account and find a resident by NIK."""

import pytest

from adminduk.accounts.models import User
from adminduk.core import demo
from adminduk.population.models import Resident

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_login_and_find_resident_by_nik(page, settings):
    demo.prepare_demo(residents=300)
    account = next(a for a in demo.DEMO_ACCOUNTS if a.username == "op.mantikulore")
    user = User.objects.get(username=account.username)
    nik = demo.sample_niks(1)[0]
    resident = Resident.objects.get(nik=nik)

    log_in(page, user, account.password)
    page.fill("#nik-input", "7271")  # a typo first: the page says why, in Indonesian
    page.press("#nik-input", "Enter")
    page.wait_for_selector("#search-result .alert, #search-result [role=alert]")
    page.fill("#nik-input", nik)
    page.press("#nik-input", "Enter")
    page.wait_for_selector(f"#search-result >> text={resident.full_name}")
    page.click(f"#search-result >> text={resident.full_name}")
    page.wait_for_url(f"**/penduduk/{nik}/")
    assert nik in page.content()
    assert "Nama lengkap" in page.content()
