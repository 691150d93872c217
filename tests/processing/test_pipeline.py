"""The central pipeline end to end on real sealed packets: duplicates caught, distinct persons
pass, re-processing changes nothing, bad packets are refused with a reason."""

import uuid

import pytest

from adminduk.biometrics.models import EnrolledTemplate
from adminduk.enrollment.models import KtpRequest, KtpRequestEvent
from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.processing import pipeline
from adminduk.processing.models import Adjudication, StageResult
from adminduk.sync.models import InboxPacket

from . import helpers
from .helpers import record

pytestmark = pytest.mark.django_db


def request_of(inbox) -> KtpRequest:
    return KtpRequest.objects.get(packet_id=inbox.id)


def test_distinct_persons_pass_to_print_ready(stations):
    mantikulore, palu_barat = stations
    first = record(mantikulore, "person-a", nik="7271085705900001")
    second = record(palu_barat, "person-b", nik="7271020101850002", full_name="ANDI WIJAYA", sex="L", birth_date="1985-01-01",
                    mother_name="HASNAH", office="palu-palu-barat", kecamatan_code="72.71.02")  # fmt: skip
    for inbox in (first, second):
        inbox.refresh_from_db()
        assert inbox.state == InboxPacket.State.PROCESSED
        request = request_of(inbox)
        assert request.status == S.PRINT_READY and request.siak_status == "PRINT_READY_RECORD"
    assert EnrolledTemplate.objects.count() == 2 and not Adjudication.objects.exists()
    steps = list(request_of(first).events.values_list("to_status", flat=True))
    assert steps == [S.RECEIVED, S.VALIDATED, S.DEDUP_PENDING, S.PRINT_READY]


def test_same_person_under_another_nik_at_another_office_is_caught(stations):
    mantikulore, palu_barat = stations
    first = record(mantikulore, "person-a", seed=1, nik="7271085705900001")
    again = record(palu_barat, "person-a", seed=2, nik="7271025705900003", full_name="SITI RAHMA", mother_name="HALIMAH",
                   office="palu-palu-barat", kecamatan_code="72.71.02", skip=("finger_R2", "iris_L"))  # fmt: skip
    assert request_of(first).status == S.PRINT_READY
    suspect = request_of(again)
    assert suspect.status == S.DUPLICATE_SUSPECTED and suspect.siak_status == "ADJUDICATE_RECORD"
    case = Adjudication.objects.get(request=suspect)
    assert case.matched_request == request_of(first)
    assert case.checks == ["biometric"] and case.candidates[0]["score"] > 0.5
    assert case.kecamatan_code == "72.71.02"


def test_same_name_birth_date_and_mother_under_another_nik_is_caught(stations):
    mantikulore, palu_barat = stations
    record(mantikulore, "person-a", nik="7271085705900001")
    # A different body (other biometrics) but the same name, with a typo, birth date and mother.
    other = record(palu_barat, "person-z", nik="7271025705900009", full_name="SITI RAHMAWATY", mother_name="NURHAYATI",
                   office="palu-palu-barat", kecamatan_code="72.71.02")  # fmt: skip
    case = Adjudication.objects.get(request=request_of(other))
    assert case.checks == ["demographic"] and case.candidates[0]["name_ratio"] >= pipeline.NAME_MATCH


def test_same_nik_after_a_card_was_issued_goes_to_adjudication(stations):
    mantikulore, _ = stations
    first = record(mantikulore, "person-a", seed=1)
    KtpRequest.objects.filter(pk=request_of(first).pk).update(status=S.PICKED_UP)
    again = record(mantikulore, "person-a", seed=2)
    case = Adjudication.objects.get(request=request_of(again))
    assert case.checks == ["biometric", "same_nik"]


def test_same_nik_while_the_first_is_open_is_refused_as_duplicate(stations):
    mantikulore, palu_barat = stations
    first = record(mantikulore, "person-a", seed=1)
    again = record(palu_barat, "person-a", seed=2, office="palu-palu-barat")
    again.refresh_from_db()
    refused = request_of(again)
    assert refused.status == S.REJECTED and refused.rejection_code == "duplicate" and refused.siak_status == "DUPLICATE_RECORD"
    assert str(request_of(first).pk) in refused.rejection_reason
    assert again.state == InboxPacket.State.FAILED
    assert EnrolledTemplate.objects.count() == 1


def test_reprocessing_a_packet_changes_nothing(stations):
    mantikulore, palu_barat = stations
    record(mantikulore, "person-a", seed=1)
    inbox = record(palu_barat, "person-a", seed=2, nik="7271025705900003", office="palu-palu-barat", kecamatan_code="72.71.02")
    counts = (KtpRequestEvent.objects.count(), EnrolledTemplate.objects.count(), Adjudication.objects.count(), StageResult.objects.count())
    for stage in pipeline.STAGE_ORDER:
        pipeline.run_stage(inbox.id, stage)
    pipeline.process_packet(inbox.id)
    from adminduk.processing.tasks import on_packet_stored

    on_packet_stored(packet_ids=[inbox.id])  # a duplicate signal
    after = (KtpRequestEvent.objects.count(), EnrolledTemplate.objects.count(), Adjudication.objects.count(), StageResult.objects.count())
    assert after == counts
    assert request_of(inbox).status == S.DUPLICATE_SUSPECTED


def test_a_crash_mid_stage_resumes_without_double_effects(stations, monkeypatch):
    mantikulore, _ = stations
    from adminduk.biometrics import gallery

    real = gallery.FaissMatcher.enroll_and_identify

    def crash(self, *args, **kwargs):
        real(self, *args, **kwargs)  # the template row is written, then the worker dies
        raise RuntimeError("worker killed")

    monkeypatch.setattr(gallery.FaissMatcher, "enroll_and_identify", crash)
    record(mantikulore, "person-a")  # Huey logs the failure and schedules a retry
    inbox = InboxPacket.objects.get()
    assert EnrolledTemplate.objects.count() == 0  # rolled back with the stage
    assert pipeline.pending_stage(inbox.id) == "biometric"
    monkeypatch.setattr(gallery.FaissMatcher, "enroll_and_identify", real)
    pipeline.process_packet(inbox.id)
    assert request_of(inbox).status == S.PRINT_READY and EnrolledTemplate.objects.count() == 1


@pytest.mark.parametrize(
    "spoil, reason",
    [
        (lambda d, p: p.pop("finger_L3"), "finger_L3: packet"),
        (lambda d, p: p.__setitem__("iris_R", b"\x00\x00"), "iris_R: a capture part"),
        (lambda d, p: p.__setitem__("face", helpers.packets.encode_capture(helpers.packets.CapturePayload({"modality": "face"}, b"x", b"short"))), "face: bad template"),
        (lambda d, p: p.__setitem__("finger_R1", helpers.packets.encode_capture(helpers.packets.CapturePayload({"modality": "finger"}, b"x", b""))), "no approved exception"),
        (lambda d, p: p.__setitem__("finger_R1", p["iris_L"]), "the capture says modality"),
    ],
)
def test_bad_captures_reject_the_request_with_the_reason(stations, spoil, reason):
    mantikulore, _ = stations
    data, parts = helpers.demographics(), helpers.capture_parts("person-a")
    spoil(data, parts)
    packet_id, body = helpers.build(mantikulore, data, parts)
    inbox = helpers.store(mantikulore, body, packet_id)
    inbox.refresh_from_db()
    request = KtpRequest.objects.get(pk=data["request_id"])
    assert request.status == S.REJECTED and request.siak_status == "ENROLL_FAILURE_AT_CENTRAL"
    assert reason in request.rejection_reason
    assert inbox.state == InboxPacket.State.FAILED and reason in inbox.state_detail
    assert not EnrolledTemplate.objects.exists()


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"nik": "7271083205900001"}, "NIK"),
        ({"birth_date": "17-05-1990"}, "not a date"),
        ({"request_id": "not-a-uuid"}, "not a UUID"),
        ({"full_name": ""}, "lack full_name"),  # (an unknown mother's name is allowed: sent empty)
        ({"kecamatan_code": "7271"}, "kecamatan"),
    ],
)
def test_bad_demographics_fail_the_packet_with_the_reason(stations, fields, reason):
    mantikulore, _ = stations
    inbox = record(mantikulore, "person-a", **fields)
    inbox.refresh_from_db()
    assert inbox.state == InboxPacket.State.FAILED and reason in inbox.state_detail
    assert not KtpRequest.objects.exists() and not EnrolledTemplate.objects.exists()


def test_garbage_body_and_demographics_that_are_not_json(stations):
    mantikulore, _ = stations
    inbox = helpers.store(mantikulore, b"not a packet at all" * 10, uuid.uuid4())
    inbox.refresh_from_db()
    assert inbox.state == InboxPacket.State.FAILED and "packet cannot be read" in inbox.state_detail
    packet_id = uuid.uuid4()
    central = helpers.sealing.central_public_key()
    sealed = {"demographics": helpers.packets.seal_part(packet_id, "demographics", b"\xff\xfe{", central)}
    body = helpers.packets.build_packet(packet_id=packet_id, station_id=mantikulore.pk, kind="ktp_recording", sealed_parts=sealed,
                                        private_key=mantikulore.private_key, created_at=helpers.NOW)  # fmt: skip
    inbox = helpers.store(mantikulore, body, packet_id)
    inbox.refresh_from_db()
    assert inbox.state == InboxPacket.State.FAILED and "not UTF-8 JSON" in inbox.state_detail
