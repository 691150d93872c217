"""The recording workflow through its domain functions: a full recording becomes one verified
packet in the outbox, and every bad input is refused with a message and stores nothing."""

import json

import pytest

from adminduk.biometrics import templates
from adminduk.enrollment import packets, recording, sealing
from adminduk.enrollment.models import KtpRequest, RecordingCapture, RecordingSession
from adminduk.enrollment.slots import SLOT_NAMES
from adminduk.enrollment.statuses import RequestStatus
from adminduk.population.models import ResidentEvent
from adminduk.sync.models import OutboxPacket

from .conftest import capture_everything

pytestmark = pytest.mark.django_db


def nothing_stored():
    return not OutboxPacket.objects.exists() and not KtpRequest.objects.exists()


def test_full_recording_becomes_one_signed_sealed_packet(adult, operator, record_resident):
    session, ktp_request, outcomes = record_resident(adult)
    assert ktp_request.status == RequestStatus.RECORDED and ktp_request.packet_id == session.packet_id
    assert ktp_request.pk == session.request_id and ktp_request.events.get().to_status == RequestStatus.RECORDED
    outbox = OutboxPacket.objects.get()
    assert outbox.id == session.packet_id
    packet = packets.parse_packet(bytes(outbox.body))
    from adminduk.accounts.models import Station
    from adminduk.accounts.stations import decode_public_key

    station = Station.objects.get(pk=packet.station_id)
    packet.verify(decode_public_key(station.public_key))
    assert [p.name for p in packet.parts] == ["demographics", *SLOT_NAMES]
    central = sealing.central_private_key()
    demographics = json.loads(packet.open_part("demographics", central))
    assert demographics["nik"] == adult.nik and demographics["request_id"] == str(ktp_request.pk)
    assert demographics["operator"] == operator.username and demographics["office"] == "palu-mantikulore"
    finger = packets.decode_capture(packet.open_part("finger_R1", central))
    assert finger.meta["dpi"] == 500 and finger.meta["iso_position"] == 1 and finger.image.startswith(b"\x00\x00\x00\x0cjP")
    assert len(finger.template) == templates.DIM and outcomes["finger_R1"].preview
    session.refresh_from_db()
    assert session.state == RecordingSession.State.SUBMITTED
    assert all(bytes(row.sealed) == b"" for row in session.captures.all())


def test_second_recording_with_a_pending_one_is_refused(adult, operator, record_resident):
    record_resident(adult)
    with pytest.raises(recording.RecordingRefused) as refused:
        recording.start_session(adult.nik, user=operator)
    assert refused.value.code == "open_request" and "already has an open e-KTP request" in refused.value.message
    assert OutboxPacket.objects.count() == 1 and RecordingSession.objects.count() == 1


@pytest.mark.parametrize(
    ("nik", "code"),
    [("12345", "invalid_nik"), ("727108570590000X", "invalid_nik"), ("0071085705900001", "invalid_nik"), ("7271085705909999", "not_found")],
)
def test_bad_nik_is_refused(palu_regions, operator, nik, code):
    with pytest.raises(recording.RecordingRefused) as refused:
        recording.start_session(nik, user=operator)
    assert refused.value.code == code and refused.value.message
    assert not RecordingSession.objects.exists() and nothing_stored()


def test_resident_outside_the_jurisdiction_looks_unknown(make_resident, operator):
    other = make_resident(kelurahan="72.71.01.1004")
    with pytest.raises(recording.RecordingRefused) as refused:
        recording.start_session(other.nik, user=operator)
    assert refused.value.code == "not_found" and other.nik in refused.value.message


def test_child_is_not_wajib_ktp(make_resident, operator):
    child = make_resident(birth_date="2015-02-03", occupation="pelajar", education="sd")
    with pytest.raises(recording.RecordingRefused) as refused:
        recording.start_session(child.nik, user=operator)
    assert refused.value.code == "not_wajib_ktp" and "not wajib KTP" in refused.value.message
    assert not RecordingSession.objects.exists()


def test_uncertified_operator_is_refused(adult, make_staff):
    uncertified = make_staff("kecamatan_operator", offices=("72.71.08",))
    with pytest.raises(recording.RecordingRefused) as refused:
        recording.start_session(adult.nik, user=uncertified)
    assert refused.value.code == "not_certified" and "certificate" in refused.value.message
    assert not RecordingSession.objects.exists()


def test_deceased_resident_is_refused(adult, operator):
    import datetime as dt

    from adminduk.population import actions

    actions.record_death(adult, died_on=dt.date(2026, 1, 2))
    with pytest.raises(recording.RecordingRefused) as refused:
        recording.start_session(adult.nik, user=operator)
    assert refused.value.code == "not_living_here"


def test_missing_capture_without_exception_creates_no_packet(adult, operator):
    session = recording.start_session(adult.nik, user=operator)
    recording.confirm_demographics(session, {}, actor=operator)
    capture_everything(session, operator, skip=("finger_L5",))
    with pytest.raises(recording.RecordingRefused) as refused:
        recording.submit(session, actor=operator)
    assert refused.value.code == "incomplete" and "left little finger" in refused.value.message
    assert nothing_stored()


def test_failing_quality_blocks_submit_until_retaken(adult, operator):
    session = recording.start_session(adult.nik, user=operator)
    recording.confirm_demographics(session, {}, actor=operator)
    capture_everything(session, operator, skip=("iris_L",))
    blurred = recording.capture(session, "iris_L", actor=operator, condition="blurred")
    assert not blurred.assessment.ok and "focus" in blurred.assessment.codes
    assert any("blurred" in p.message for p in blurred.assessment.problems)
    with pytest.raises(recording.RecordingRefused) as refused:
        recording.submit(session, actor=operator)
    assert "quality" in refused.value.message and "left iris" in refused.value.message
    assert nothing_stored()
    retake = recording.capture(session, "iris_L", actor=operator)
    assert retake.assessment.ok and retake.capture.attempts == 2
    recording.submit(session, actor=operator)
    assert OutboxPacket.objects.count() == 1


@pytest.mark.parametrize("condition", ["dark", "low_resolution"])
def test_dark_and_low_resolution_captures_fail(adult, operator, condition):
    session = recording.start_session(adult.nik, user=operator)
    outcome = recording.capture(session, "finger_R2", actor=operator, condition=condition)
    assert not outcome.assessment.ok
    assert {"dark": "brightness", "low_resolution": "resolution"}[condition] in outcome.assessment.codes


def test_exception_needs_a_supervisor_of_the_kecamatan(adult, operator, supervisor, make_staff, record_resident):
    session = recording.start_session(adult.nik, user=operator)
    recording.confirm_demographics(session, {}, actor=operator)
    capture_everything(session, operator, skip=("finger_R3",))
    elsewhere = make_staff("supervisor", offices=("72.71.01",))
    for approver, code in ((operator, "approver"), (elsewhere, "approver"), (None, "approver")):
        with pytest.raises(recording.RecordingRefused) as refused:
            recording.approve_exception(session, "finger_R3", code="amputation", supervisor=approver, actor=operator)
        assert refused.value.code == code
    with pytest.raises(recording.RecordingRefused) as refused:
        recording.approve_exception(session, "finger_R3", code="missing_eye", supervisor=supervisor, actor=operator)
    assert refused.value.code == "bad_exception"
    with pytest.raises(recording.RecordingRefused) as refused:
        recording.approve_exception(session, "face", code="bandaged", supervisor=supervisor, actor=operator)
    assert refused.value.code == "no_exception"
    assert not RecordingCapture.objects.filter(slot="finger_R3").exists()
    recording.approve_exception(session, "finger_R3", code="amputation", supervisor=supervisor, actor=operator, note="since 2019")
    ktp_request = recording.submit(session, actor=operator)
    packet = packets.parse_packet(bytes(OutboxPacket.objects.get().body))
    central = sealing.central_private_key()
    part = packets.decode_capture(packet.open_part("finger_R3", central))
    assert part.meta["exception_code"] == "amputation" and part.meta["approved_by"] == supervisor.username and part.image == b""
    demographics = json.loads(packet.open_part("demographics", central))
    assert demographics["captures"]["finger_R3"]["approved_by"] == supervisor.username
    assert ktp_request.events.get().details["exceptions"] == {"finger_R3": "amputation"}


def test_corrections_need_a_reason_and_go_to_the_history(adult, operator):
    session = recording.start_session(adult.nik, user=operator)
    with pytest.raises(recording.RecordingRefused) as refused:
        recording.confirm_demographics(session, {"birth_place": "DONGGALA"}, actor=operator)
    assert refused.value.code == "reason_required"
    adult.refresh_from_db()
    assert adult.birth_place == "PALU"
    recording.confirm_demographics(session, {"birth_place": "DONGGALA"}, reason="akta kelahiran shows Donggala", actor=operator)
    adult.refresh_from_db()
    assert adult.birth_place == "DONGGALA"
    event = ResidentEvent.objects.filter(resident=adult, kind=ResidentEvent.Kind.CORRECTED).get()
    assert event.reason == "akta kelahiran shows Donggala" and event.changes == {"birth_place": ["PALU", "DONGGALA"]}
    session.refresh_from_db()
    assert session.corrections[0]["changes"] == {"birth_place": ["PALU", "DONGGALA"]}


def test_another_operator_cannot_take_over_a_session(adult, operator, make_staff):
    recording.start_session(adult.nik, user=operator)
    assert recording.start_session(adult.nik, user=operator).operator == operator  # resumed
    colleague = make_staff("kecamatan_operator", offices=("72.71.08",), certified=("recording",))
    with pytest.raises(recording.RecordingRefused) as refused:
        recording.start_session(adult.nik, user=colleague)
    assert refused.value.code == "in_progress"


def test_same_person_under_two_niks_has_close_templates(make_resident, operator, record_resident):
    first = make_resident(birth_date="1985-01-02", sex="L")
    second = make_resident(birth_date="1986-03-04", sex="L")
    stranger = make_resident(birth_date="1987-05-06", sex="L")
    central = sealing.central_private_key()

    def templates_of(resident, subject):
        session, _, _ = record_resident(resident, subject=subject)
        packet = packets.parse_packet(bytes(OutboxPacket.objects.get(pk=session.packet_id).body))
        return {name: templates.decode(packets.decode_capture(packet.open_part(name, central)).template) for name in SLOT_NAMES if name != "signature"}

    a, b, c = templates_of(first, "person-7"), templates_of(second, "person-7"), templates_of(stranger, "")
    same = [templates.similarity(a[n], b[n]) for n in a]
    different = [templates.similarity(a[n], c[n]) for n in a]
    assert min(same) > 0.7 and sum(same) / len(same) > 0.8
    assert max(abs(d) for d in different) < 0.4


def test_a_recorded_packet_opens_at_the_central_with_everything_processing_needs(adult, supervisor, operator):
    """The contract between the node's recording and the central's pipeline, on a real packet."""
    from adminduk.enrollment.slots import SLOTS
    from adminduk.processing import pipeline

    session = recording.start_session(adult.nik, user=operator)
    recording.confirm_demographics(session, {}, actor=operator)
    capture_everything(session, operator, skip=("finger_L5",))
    recording.approve_exception(session, "finger_L5", code="amputation", supervisor=supervisor, actor=operator)
    ktp_request = recording.submit(session, actor=operator)
    packet = packets.parse_packet(bytes(OutboxPacket.objects.get(pk=ktp_request.packet_id).body))
    data = pipeline.open_demographics(packet)
    assert (data["nik"], data["full_name"], data["birth_date"], data["sex"]) == (adult.nik, adult.full_name, "1990-05-17", "P")
    assert data["mother_name"] == adult.mother_name and data["request_id"] == str(ktp_request.pk)
    captures = pipeline.open_captures(packet, data)
    assert set(captures) == {slot.name for slot in SLOTS}
    assert captures["finger_L5"].meta.get("exception_code") or any(e["slot"] == "finger_L5" for e in data["exceptions"])
