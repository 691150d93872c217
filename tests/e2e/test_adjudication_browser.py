"""A supervisor adjudicates a suspected duplicate in a real browser."""

import pytest

from adminduk.biometrics.gallery import reset_matcher
from adminduk.enrollment.models import KtpRequest
from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.processing.models import Adjudication
from tests.processing.helpers import make_station, record

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_rejects_a_duplicate_recorded_under_another_nik(page, make_office, make_staff, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    reset_matcher()
    first = record(make_station(make_office("72.71.08")), "person-a", seed=1)
    again = record(make_station(make_office("72.71.02")), "person-a", seed=2, nik="7271025705900003",
                   office="palu-palu-barat", kecamatan_code="72.71.02")  # fmt: skip
    case = Adjudication.objects.get(request__packet_id=again.id)
    supervisor = make_staff("supervisor", offices=("dinas",), password="kata-sandi-uji-2026")

    log_in(page, supervisor, "kata-sandi-uji-2026")
    page.goto("/pemrosesan/adjudikasi/")
    page.click("text=NIK 7271025705900003")
    page.wait_for_selector("#decision-form")  # the click navigates: wait for the case page
    assert page.locator("tr.differs").count() >= 1
    # Both records' photos are on the page (the image view itself is tested in tests/processing).
    assert page.locator("img[src*='/match/face/']").count() == 1 and page.locator("img[src*='/new/face/']").count() == 1
    page.check("input[value=reject_new]")
    page.fill("#id_reason", "Same face and fingerprints as the record from Mantikulore")
    page.click("#decision-form button[type=submit]")
    page.wait_for_selector("#request-status")
    page.wait_for_load_state("networkidle")  # no image request still in flight at teardown
    assert KtpRequest.objects.get(pk=case.request_id).status == S.REJECTED
    assert KtpRequest.objects.get(packet_id=first.id).status == S.PRINT_READY
    reset_matcher()
