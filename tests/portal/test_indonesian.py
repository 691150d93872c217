"""Every portal page in Indonesian by default, checked with the same checker as the operator
pages; the control: the same pages asked for in English are caught."""

import pytest
from django.test import Client

from adminduk.appointments import slots
from adminduk.enrollment.requests import open_request
from adminduk.enrollment.statuses import RequestStatus
from tests.portal.conftest import code_for
from tests.web.test_indonesian_everywhere import Checker

pytestmark = pytest.mark.django_db


def portal_pages(family, office, day, language=None) -> dict[str, str]:
    head, wife = family["head"], family["wife"]
    client = Client()
    if language:
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    pages = {"/portal/": client.get("/portal/").content.decode()}
    pages["bad nik"] = client.post("/portal/", {"nik": "123"}).content.decode()
    pages["code"] = client.post("/portal/", {"nik": wife.nik}).content.decode()
    pages["wrong code"] = client.post("/portal/kode/", {"nik": wife.nik, "code": "99999"}).content.decode()
    client.post("/portal/", {"nik": head.nik})
    client.post("/portal/kode/", {"nik": head.nik, "code": code_for(head.phone)})
    pages["book"] = client.get(f"/portal/janji/?office={office.code}&date={day.isoformat()}").content.decode()
    slot = slots.slots_for_day(office, day)[0]
    client.post("/portal/janji/", {"slot": str(slot.pk)})
    pages["/portal/beranda/"] = client.get("/portal/beranda/").content.decode()
    pages["reschedule"] = client.get(f"/portal/janji/pindah/?office={office.code}&date={day.isoformat()}").content.decode()
    pages["cancel"] = client.get("/portal/janji/batal/").content.decode()
    return pages


@pytest.fixture
def seeded(family_with_phones, office):
    wife = family_with_phones["wife"]
    open_request(nik=wife.nik, office=office, kecamatan_code="72.71.08", status=RequestStatus.RECORDED, resident=wife)
    return family_with_phones


def test_portal_pages_are_indonesian(seeded, office, day, settings):
    settings.ADMINDUK_PORTAL_CODE_REQUESTS_PER_NIK = 10
    checker = Checker()
    pages = portal_pages(seeded, office, day)
    found = {url: sorted(hits) for url, html in pages.items() if (hits := checker.untranslated(html))}
    assert found == {}
    english = set().union(*(checker.untranslated(html) for html in portal_pages(seeded, office, day, "en").values()))
    assert {"My requests", "Sign out", "Move to this time", "Enter the code"} <= english
