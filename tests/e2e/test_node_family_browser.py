"""The node's resident page shows the resident's KK, as it came in the pull.

Node and central share the test database: the pages the central sends are collected first,
then the KK rows are removed (the node as it was before KK travelled, with residents only and
"not on any active KK" on every page) and the pages are applied as the node's sync applies
them."""

import pytest

from adminduk.sync import changes
from adminduk.sync.models import NodeState
from tests.sync.conftest import register
from tests.sync.test_families import forget_families, pull_all

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kata-sandi-uji-2026"


def test_the_nodes_resident_page_shows_the_kk(page, make_office, make_staff, sample_family, settings):
    settings.ADMINDUK_SYNC_CHANGE_LAG_SECONDS = 0
    station, _ = register(make_office("72.71.08"), "node-mantikulore")
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), password=PASSWORD)
    pages, _ = pull_all(station)
    forget_families()
    NodeState.objects.create(pk=1, station_id=station.pk)
    wife, family = sample_family["wife"], sample_family["family"]

    log_in(page, operator, PASSWORD)
    page.goto(f"/penduduk/{wife.nik}/")
    assert page.get_by_text("Tidak tercantum dalam KK aktif mana pun.").is_visible()

    for one in pages:
        changes.apply_page(one)
    page.goto(f"/penduduk/{wife.nik}/")
    page.get_by_role("link", name=family.kk_number).first.wait_for()
    section = page.locator("section.card", has_text=family.kk_number).first
    text = section.inner_text()
    for member in ("head", "wife", "child"):
        assert sample_family[member].full_name in text
    page.get_by_role("link", name=family.kk_number).first.click()
    page.wait_for_url(f"**/kk/{family.kk_number}/")
    assert sample_family["head"].full_name in page.locator("main").inner_text()
