"""The central files a recording under the signing station's office and the resident's home
kecamatan from its own registry; a recording away from home waits for a Dinas supervisor
(issue 9, items 1 and 2)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from adminduk.audit.models import AuditEntry
from adminduk.enrollment.models import KtpRequest
from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.population import actions
from adminduk.processing import jurisdiction, pipeline, tasks
from adminduk.processing.models import OutsideHomeReview, StageResult
from adminduk.regions.models import Kelurahan
from adminduk.sync.models import InboxPacket

from .helpers import record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]


def test_a_forged_office_and_kecamatan_in_the_packet_are_ignored(stations, make_resident):
    mantikulore, palu_barat = stations
    resident = make_resident(kelurahan="72.71.02.1002")  # lives in Palu Barat
    # A Mantikulore station claims to be the Palu Barat office recording its own resident.
    inbox = record(mantikulore, "person-a", seed=1, nik=resident.nik, office="palu-palu-barat", kecamatan_code="72.71.02")
    request = KtpRequest.objects.get(packet_id=inbox.pk)
    assert request.office == mantikulore.office and request.kecamatan_code == "72.71.02"
    review = OutsideHomeReview.objects.get(request=request)
    assert review.office == mantikulore.office and review.home_kecamatan_code == "72.71.02"
    assert review.claimed_office == "palu-palu-barat" and review.state == "open"
    # Held after receive: nothing validated, nothing enrolled in the gallery, no card.
    assert request.status == S.RECEIVED
    assert list(StageResult.objects.filter(packet_id=inbox.pk).values_list("stage", flat=True)) == ["receive"]
    assert pipeline.pending_stage(inbox.pk) is None
    assert tasks.run_stage.call_local(str(inbox.pk), "validate") == "held"
    with pytest.raises(pipeline.Held):
        pipeline.run_stage(inbox.pk, "validate")
    inbox.refresh_from_db()
    assert inbox.state_detail == jurisdiction.HELD_DETAIL


def test_the_registry_not_the_packet_says_where_the_resident_lives(stations, make_resident):
    mantikulore, _palu_barat = stations
    resident = make_resident()  # Tanamodindi, Mantikulore
    # The packet claims Palu Barat; the registry says Mantikulore: filed there, no review.
    inbox = record(mantikulore, "person-a", seed=1, nik=resident.nik, kecamatan_code="72.71.02")
    request = KtpRequest.objects.get(packet_id=inbox.pk)
    assert request.kecamatan_code == "72.71.08" and request.status == S.PRINT_READY
    receive = StageResult.objects.get(packet_id=inbox.pk, stage="receive")
    assert receive.detail["claimed"]["kecamatan"] == "72.71.02"
    assert not OutsideHomeReview.objects.exists()


def test_an_unknown_nik_claiming_another_kecamatan_goes_to_review(stations):
    mantikulore, _palu_barat = stations
    inbox = record(mantikulore, "person-a", seed=1, nik="7271025705900003", kecamatan_code="72.71.02")
    review = OutsideHomeReview.objects.get()
    assert review.packet_id == inbox.pk and review.home_kecamatan_code == "72.71.02"


def test_a_resident_moved_by_correction_is_no_longer_the_old_offices(stations, make_resident):
    """Item 1: the address corrected to another kecamatan; the old office records them anyway."""
    mantikulore, _palu_barat = stations
    resident = make_resident()
    event = actions.correct_resident(resident, {"kelurahan": Kelurahan.objects.get(code="72.71.02.1002")}, reason="salah ketik alamat")
    assert event.kind == "moved"
    record(mantikulore, "person-a", seed=1, nik=resident.nik, kecamatan_code="72.71.08")
    assert OutsideHomeReview.objects.get().home_kecamatan_code == "72.71.02"


def test_a_deceased_resident_is_not_recorded(stations, make_resident):
    mantikulore, _palu_barat = stations
    resident = make_resident()
    actions.record_death(resident, died_on=dt.date(2026, 10, 1))
    inbox = record(mantikulore, "person-a", seed=1, nik=resident.nik)
    request = KtpRequest.objects.get(packet_id=inbox.pk)
    assert request.status == S.REJECTED and request.rejection_code == "resident_deceased"
    assert InboxPacket.objects.get(pk=inbox.pk).state == "failed"


@pytest.fixture
def held(stations, make_resident):
    mantikulore, _palu_barat = stations
    resident = make_resident(kelurahan="72.71.02.1002")
    inbox = record(mantikulore, "person-a", seed=1, nik=resident.nik)
    return OutsideHomeReview.objects.get(packet_id=inbox.pk)


def test_a_dinas_supervisor_accepts_and_processing_goes_on(held, make_staff, django_capture_on_commit_callbacks):
    supervisor = make_staff("supervisor", offices=("dinas",))
    with pytest.raises(ValidationError):
        jurisdiction.decide_outside_home(held, "accept", reason=" ", actor=supervisor)
    assert OutsideHomeReview.objects.get().state == "open"
    with django_capture_on_commit_callbacks(execute=True):
        jurisdiction.decide_outside_home(held, "accept", reason="warga sedang bekerja di Mantikulore", actor=supervisor)
    held.refresh_from_db()
    assert held.state == "accepted" and held.decided_by == supervisor
    assert KtpRequest.objects.get(pk=held.request_id).status == S.PRINT_READY
    entry = AuditEntry.objects.get(object_type="outside_home_review")
    assert entry.details["decision"] == "accept" and entry.actor == supervisor
    with pytest.raises(ValidationError):
        jurisdiction.decide_outside_home(held, "reject", reason="lagi", actor=supervisor)


def test_a_rejection_rejects_the_request(held, make_staff):
    supervisor = make_staff("supervisor", offices=("dinas",))
    jurisdiction.decide_outside_home(held, "reject", reason="bukan warga yang datang", actor=supervisor)
    request = KtpRequest.objects.get(pk=held.request_id)
    assert request.status == S.REJECTED and request.rejection_code == "outside_home"
    assert pipeline.pending_stage(held.packet_id) is None
    assert InboxPacket.objects.get(pk=held.packet_id).state == "failed"


def test_a_kecamatan_supervisor_cannot_decide(held, make_staff):
    for office in ("72.71.08", "72.71.02"):
        with pytest.raises(PermissionDenied):
            jurisdiction.decide_outside_home(held, "accept", reason="ok", actor=make_staff("supervisor", offices=(office,)))
    assert OutsideHomeReview.objects.get().state == "open"


def test_the_adjudication_pages_show_and_decide_the_case(held, staff_client, django_capture_on_commit_callbacks):
    client = staff_client("supervisor", offices=("dinas",))
    listing = client.get(reverse("processing:case_list")).content.decode()
    assert reverse("processing:outside_home_detail", args=[held.pk]) in listing
    page = client.get(reverse("processing:outside_home_detail", args=[held.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and held.request.nik in html and "72.71.02" in html
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("processing:outside_home_detail", args=[held.pk]), {"decision": "accept", "reason": "bekerja di sini"})
    assert answer.status_code == 302
    assert OutsideHomeReview.objects.get().state == "accepted"
    assert KtpRequest.objects.get(pk=held.request_id).status == S.PRINT_READY
    assert client.post(reverse("processing:outside_home_detail", args=[held.pk]), {"decision": "nonsense", "reason": "x"}).status_code == 200
    # A kecamatan supervisor neither sees nor opens it.
    other = staff_client("supervisor", offices=("72.71.08",))
    assert reverse("processing:outside_home_detail", args=[held.pk]) not in other.get(reverse("processing:case_list")).content.decode()
    assert other.get(reverse("processing:outside_home_detail", args=[held.pk])).status_code == 403


def test_a_packet_cannot_take_over_another_offices_request(stations):
    mantikulore, palu_barat = stations
    first = record(palu_barat, "person-b", seed=3, nik="7271025705900003", kecamatan_code="72.71.02")
    theirs = KtpRequest.objects.get(packet_id=first.pk)
    forged = record(mantikulore, "person-a", seed=1, request_id=str(theirs.pk))
    assert InboxPacket.objects.get(pk=forged.pk).state == "failed"
    theirs.refresh_from_db()
    assert theirs.packet_id == first.pk and theirs.office == palu_barat.office
