"""The adjudication pages and decisions: scoped, audited, reason required, images not cached."""

import pytest
from django.urls import reverse

from adminduk.audit.models import AuditEntry
from adminduk.biometrics.models import EnrolledTemplate
from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.processing import pipeline
from adminduk.processing.models import Adjudication

from .helpers import record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]


@pytest.fixture
def case(stations):
    mantikulore, palu_barat = stations
    record(mantikulore, "person-a", seed=1)
    record(palu_barat, "person-a", seed=2, nik="7271025705900003", office="palu-palu-barat", kecamatan_code="72.71.02")
    return Adjudication.objects.get()


def test_case_spanning_two_kecamatan_is_for_the_dinas_not_one_kecamatan(case, staff_client):
    # The new record is from Palu Barat, the matched one from Mantikulore: a Palu Barat
    # supervisor may not see the Mantikulore person's photo and fingerprints.
    client = staff_client("supervisor", offices=("72.71.02",))
    assert case.request.nik not in client.get(reverse("processing:case_list")).content.decode()
    assert client.get(reverse("processing:case_detail", args=[case.pk])).status_code == 403
    assert client.get(reverse("processing:capture_image", args=[case.pk, "match", "face"])).status_code == 403


def test_supervisor_sees_the_case_side_by_side_with_differences(case, staff_client):
    client = staff_client("supervisor", offices=("dinas",))
    page = client.get(reverse("processing:case_list"))
    assert page.status_code == 200 and case.request.nik in page.content.decode()
    page = client.get(reverse("processing:case_detail", args=[case.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "7271025705900003" in html and "7271085705900001" in html
    assert 'class="differs"' in html  # the NIKs differ
    image = client.get(reverse("processing:capture_image", args=[case.pk, "match", "face"]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png" and {"no-store", "private"} <= set(image["Cache-Control"].replace(" ", "").split(","))
    assert image.content.startswith(b"\x89PNG")
    assert AuditEntry.objects.filter(object_type="biometric_image", details__part="face").exists()


def test_supervisor_of_another_kecamatan_cannot_open_it(case, staff_client):
    client = staff_client("supervisor", offices=("72.71.08",))
    assert case.request.nik not in client.get(reverse("processing:case_list")).content.decode()
    assert client.get(reverse("processing:case_detail", args=[case.pk])).status_code == 403
    assert client.get(reverse("processing:capture_image", args=[case.pk, "new", "face"])).status_code == 403


def test_an_operator_may_not_adjudicate(case, staff_client):
    client = staff_client("kecamatan_operator", offices=("72.71.02",))
    assert client.get(reverse("processing:case_detail", args=[case.pk])).status_code == 403


def test_a_decision_needs_a_reason_and_changes_nothing_without_one(case, staff_client):
    client = staff_client("supervisor", offices=("dinas",))
    page = client.post(reverse("processing:case_detail", args=[case.pk]), {"decision": "release", "reason": "  "})
    assert "Give the reason" in page.content.decode()
    case.refresh_from_db()
    assert case.state == Adjudication.State.OPEN and case.request.status == S.DUPLICATE_SUSPECTED


def test_reject_new_removes_it_from_the_gallery(case, staff_client):
    client = staff_client("supervisor", offices=("dinas",))
    client.post(reverse("processing:case_detail", args=[case.pk]), {"decision": "reject_new", "reason": "same fingerprints and face"})
    case.refresh_from_db()
    case.request.refresh_from_db()
    assert case.state == Adjudication.State.CLOSED and case.request.status == S.REJECTED
    assert case.request.siak_status == "DUPLICATE_RECORD"
    assert EnrolledTemplate.objects.get(reference_id=case.request_id).removed_at is not None
    assert AuditEntry.objects.filter(action="adjudicate", object_id=str(case.pk), details__decision="reject_new").exists()


def test_flag_keeps_it_pending_and_release_makes_it_print_ready(case):
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.create_user("kepala", password="x", role="supervisor")
    pipeline.decide(case, "flag", reason="twins? ask the kelurahan", actor=actor)
    case.refresh_from_db()
    assert case.state == Adjudication.State.FLAGGED and case.request.status == S.DUPLICATE_SUSPECTED
    pipeline.decide(case, "release", reason="twins, different irises on re-check", actor=actor)
    case.refresh_from_db()
    case.request.refresh_from_db()
    assert case.state == Adjudication.State.CLOSED and case.request.status == S.PRINT_READY
    assert list(case.request.events.values_list("to_status", flat=True))[-2:] == [S.ADJUDICATED, S.PRINT_READY]
    with pytest.raises(Exception, match="already been decided"):
        pipeline.decide(case, "reject_new", reason="changed my mind", actor=actor)
