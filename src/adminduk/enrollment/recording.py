"""The recording (perekaman) workflow at a kecamatan station, as plain functions the views, the
benchmark and the tests call: call a resident, confirm their data, capture each biometric (or
record an approved exception), submit one sealed, signed packet.

No biometric is ever stored in the clear: each capture is sealed to the central's public key
with the session's packet id the moment the device returns it; only sealed bytes and
non-biometric metadata (geometry, quality figures, exception codes) reach the database.
"""

import datetime as dt
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.accounts import scoping
from adminduk.accounts.permissions import Permission
from adminduk.audit.actions import record
from adminduk.biometrics import templates
from adminduk.offices.models import Office
from adminduk.population import actions as population_actions
from adminduk.population import rules
from adminduk.population.choices import LifeStatus
from adminduk.sync import outbox

from . import packets, previews, quality, requests
from .devices import DeviceError, adapter_for
from .forms import CARD_FIELDS
from .models import KtpRequest, RecordingCapture, RecordingSession
from .sealing import central_public_key
from .slots import ALLOWED_EXCEPTIONS, BY_NAME, SLOTS, ExceptionCode
from .station import current_station
from .statuses import RequestStatus


class RecordingRefused(Exception):
    """A step that must not happen; `code` is stable for programs, `message` is for the operator."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# --- Who may record ---------------------------------------------------------------------


def check_operator(user, kecamatan_code: str | None = None) -> None:
    """Refuse (with a message an operator understands) unless `user` may record here."""
    decision = scoping.authorize(user, Permission.RECORD, kecamatan_code=kecamatan_code)
    if decision:
        return
    reason = decision.reason
    if reason.startswith("no current"):
        raise RecordingRefused(
            "not_certified",
            _("You have no current perekaman (recording) certificate, so you cannot record. Ask the Dinas to renew your certification."),
        )
    if reason.startswith("role"):
        raise RecordingRefused("role", _("Your role may not record e-KTP; only certified kecamatan operators can."))
    raise RecordingRefused("not_allowed", _("You may not record: %(reason)s.") % {"reason": reason})


def recording_office(user, kecamatan_code: str) -> Office:
    """The office the recording is made at: the user's kecamatan office for that kecamatan,
    else their first office (e.g. the Dinas)."""
    offices = list(Office.objects.filter(assignments__user=user, is_active=True).order_by("assignments__assigned_at"))
    for office in offices:
        if office.kind == Office.Kind.KECAMATAN and office.kecamatan_id == kecamatan_code:
            return office
    if not offices:
        raise RecordingRefused("no_office", _("You are not assigned to any office."))
    return offices[0]


# --- Calling a resident -----------------------------------------------------------------


def _not_found(nik: str) -> RecordingRefused:
    # Unknown and outside the jurisdiction get the same answer: the station reveals nothing.
    return RecordingRefused("not_found", _("No resident with NIK %(nik)s in your jurisdiction.") % {"nik": nik})


def eligibility_problem(resident, today: dt.date) -> RecordingRefused | None:
    if resident.life_status != LifeStatus.HIDUP:
        return RecordingRefused(
            "not_living_here",
            _("%(name)s is registered as %(status)s; no e-KTP can be recorded.") % {"name": resident.full_name, "status": resident.get_life_status_display()},
        )
    if not resident.is_wajib_ktp(today):
        age = rules.age_on(resident.birth_date, today)
        return RecordingRefused(
            "not_wajib_ktp",
            _("%(name)s is not wajib KTP (age %(age)d, never married, or not a citizen/KITAP holder); record a KIA instead if eligible.")
            % {"name": resident.full_name, "age": age},
        )
    return None


def start_session(nik: str, *, user, today: dt.date | None = None, request=None, device_subject: str = "") -> RecordingSession:
    """Call the resident with `nik` to the station. Resumes the user's own open session for
    them; refuses with RecordingRefused for every reason a recording may not start."""
    today = today or timezone.localdate()
    check_operator(user)
    nik = (nik or "").strip()
    try:
        rules.parse_nik(nik)
    except rules.NumberError as exc:
        raise RecordingRefused("invalid_nik", exc.message) from exc
    resident = scoping.residents_for(user, Permission.RECORD).select_related("kelurahan").filter(nik=nik).first()
    if resident is None:
        raise _not_found(nik)
    kecamatan_code = resident.kelurahan.kecamatan_id
    problem = eligibility_problem(resident, today)
    existing = None if problem else requests.open_request_for(nik)
    if existing is not None:
        problem = RecordingRefused("open_request", requests.open_request_refusal(existing).message)
    if problem:
        # The refusal names the resident and their status: a read, so it is audited.
        record(request, "view", actor=user, object_type="resident", object_id=nik, kecamatan_code=kecamatan_code, details={"refused": problem.code})
        raise problem
    open_session = RecordingSession.objects.filter(nik=nik, state=RecordingSession.State.OPEN).select_related("operator").first()
    if open_session is not None:
        if open_session.operator_id == user.pk:
            return open_session
        raise RecordingRefused(
            "in_progress",
            _("NIK %(nik)s is being recorded by %(operator)s since %(time)s.")
            % {"nik": nik, "operator": open_session.operator.get_username(), "time": timezone.localtime(open_session.created_at).strftime("%H:%M")},
        )
    try:
        with transaction.atomic():
            session = RecordingSession.objects.create(
                resident=resident,
                nik=nik,
                office=recording_office(user, kecamatan_code),
                kecamatan_code=kecamatan_code,
                operator=user,
                device_subject=device_subject,
            )
            record(request, "create", actor=user, object_type="recording_session", object_id=str(session.pk), kecamatan_code=kecamatan_code, details={"nik": nik})
    except IntegrityError as exc:  # another station called the same person a moment ago
        raise RecordingRefused("in_progress", _("NIK %(nik)s is already being recorded at another station.") % {"nik": nik}) from exc
    return session


def _open_session(session: RecordingSession, actor) -> RecordingSession:
    session = RecordingSession.objects.select_for_update().select_related("resident", "office").get(pk=session.pk)
    if session.state != RecordingSession.State.OPEN:
        raise RecordingRefused("closed", _("This recording was already %(state)s.") % {"state": session.get_state_display()})
    if session.operator_id != getattr(actor, "pk", None):
        raise RecordingRefused("other_operator", _("This recording belongs to another operator."))
    return session


# --- Demographics -----------------------------------------------------------------------


@transaction.atomic
def confirm_demographics(session: RecordingSession, changes: dict, *, reason: str = "", actor, request=None) -> RecordingSession:
    """The resident confirmed their data; `changes` (field -> new value) are corrected in the
    registry with `reason`, which is then mandatory."""
    session = _open_session(session, actor)
    unknown = set(changes) - set(CARD_FIELDS)
    if unknown:
        raise RecordingRefused("bad_field", _("These fields cannot be corrected here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if changes:
        if not reason.strip():
            raise RecordingRefused("reason_required", _("Say why the data is corrected; the reason is kept in the resident's history."))
        try:
            event = population_actions.correct_resident(session.resident, changes, reason=reason, actor=actor)
        except ValidationError as exc:
            raise RecordingRefused("invalid_correction", " ".join(exc.messages)) from exc
        if event is not None:
            session.corrections = [*session.corrections, {"changes": event.changes, "reason": event.reason, "at": timezone.now().isoformat()}]
    session.demographics_confirmed_at = timezone.now()
    session.save(update_fields=["corrections", "demographics_confirmed_at", "updated_at"])
    record(
        request,
        "update" if changes else "view",
        actor=actor,
        object_type="resident",
        object_id=session.nik,
        kecamatan_code=session.kecamatan_code,
        details={"recording_session": str(session.pk), "confirmed": True, "corrected": sorted(changes)},
    )
    return session


# --- The simulator's subject (demo and training) ------------------------------------------


def simulated_devices() -> bool:
    """Whether every capture device is the simulator (never true with real devices)."""
    return all(adapter_for(slot.modality).simulated for slot in SLOTS)


@transaction.atomic
def present_as(session: RecordingSession, nik: str, *, actor, request=None) -> RecordingSession:
    """With the simulator, let the devices see the same person as NIK `nik` (empty: the called
    resident again), so a demo or a training shows a duplicate under another NIK and its
    adjudication at the central. Only before the first capture: one recording is one person."""
    if not simulated_devices():
        raise RecordingRefused("not_simulated", _("Only the simulator can present another person; these are real devices."))
    session = _open_session(session, actor)
    nik = (nik or "").strip()
    if nik == session.nik:
        nik = ""
    if nik:
        try:
            rules.parse_nik(nik)
        except rules.NumberError as exc:
            raise RecordingRefused("invalid_nik", exc.message) from exc
    if session.captures.exists():
        raise RecordingRefused(
            "already_captured", _("Choose who stands at the devices before the first capture; cancel this recording to start again.")
        )
    session.device_subject = nik
    session.save(update_fields=["device_subject", "updated_at"])
    record(
        request, "update", actor=actor, object_type="recording_session", object_id=str(session.pk), kecamatan_code=session.kecamatan_code,
        details={"simulated_subject": nik or session.nik},
    )
    return session


# --- Captures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptureOutcome:
    capture: RecordingCapture
    assessment: quality.Assessment
    preview: bytes  # for the operator's screen only; never stored


def _seal(session: RecordingSession, slot_name: str, payload: packets.CapturePayload) -> bytes:
    return packets.seal_part(session.packet_id, slot_name, packets.encode_capture(payload), central_public_key())


def capture(session: RecordingSession, slot_name: str, *, actor, condition: str = "good", request=None) -> CaptureOutcome:
    """Capture one slot with its device; a retake replaces the previous capture. A capture that
    fails a quality check is kept (sealed) but blocks submission until retaken."""
    slot = BY_NAME.get(slot_name)
    if slot is None:
        raise RecordingRefused("bad_slot", _("Unknown capture %(slot)r.") % {"slot": slot_name})
    session = RecordingSession.objects.get(pk=session.pk)
    if session.state != RecordingSession.State.OPEN or session.operator_id != getattr(actor, "pk", None):
        with transaction.atomic():  # the row lock needs one (a capture on a closed session was a 500)
            _open_session(session, actor)  # raises the precise refusal
    adapter = adapter_for(slot.modality)
    options = {"condition": condition} if adapter.simulated else {}
    try:
        # The device is read outside any transaction: a slow scanner must not hold row locks.
        result = adapter.capture(session.subject, slot.position, **options)
    except DeviceError as exc:
        raise RecordingRefused("device", _("The %(device)s did not capture: %(error)s") % {"device": slot.label, "error": exc.message}) from exc
    has_template = len(result.template) > 0
    assessment = quality.assess(modality=slot.modality, width=result.width, height=result.height, dpi=result.dpi, quality=result.quality, has_template=has_template)
    meta = {
        "slot": slot.name,
        "modality": slot.modality,
        "position": slot.position,
        "iso_position": slot.iso_position,
        "image_format": result.image_format,
        "width": result.width,
        "height": result.height,
        "dpi": result.dpi,
        "quality": result.quality,
        "device": result.device,
        "captured_at": result.captured_at.isoformat(),
        "exception_code": "",
    }
    template = templates.encode(result.template) if has_template else b""
    sealed = _seal(session, slot.name, packets.CapturePayload(meta, result.image, template))
    with transaction.atomic():
        session = _open_session(session, actor)
        existing = RecordingCapture.objects.filter(session=session, slot=slot.name).first()
        row = existing or RecordingCapture(session=session, slot=slot.name)
        row.sealed = sealed
        row.image_format, row.width, row.height, row.dpi = result.image_format, result.width, result.height, result.dpi
        row.quality = result.quality
        row.problems = [{"code": p.code, "message": p.message} for p in assessment.problems]
        row.attempts = (row.attempts or 0) + 1
        row.device, row.device_time = result.device[:120], result.captured_at
        row.exception_code = row.exception_note = ""
        row.approved_by, row.approved_at = None, None
        row.save()
        record(
            request,
            "create",
            actor=actor,
            object_type="biometric_capture",
            object_id=f"{session.pk}:{slot.name}",
            kecamatan_code=session.kecamatan_code,
            device_time=result.captured_at,
            details={"slot": slot.name, "attempt": row.attempts, "problems": assessment.codes},
        )
    previews.put(session.pk, slot.name, result.preview)
    return CaptureOutcome(row, assessment, result.preview)


@transaction.atomic
def approve_exception(session: RecordingSession, slot_name: str, *, code: str, supervisor, actor, note: str = "", request=None) -> RecordingCapture:
    """Record that `slot_name` cannot be captured, for reason `code`, approved by `supervisor`
    (a user with the approve permission over the resident's kecamatan, not the operator).
    Whoever calls this has checked the supervisor's credentials."""
    slot = BY_NAME.get(slot_name)
    if slot is None:
        raise RecordingRefused("bad_slot", _("Unknown capture %(slot)r.") % {"slot": slot_name})
    session = _open_session(session, actor)
    allowed = ALLOWED_EXCEPTIONS[slot.modality]
    if not allowed:
        raise RecordingRefused("no_exception", _("The %(slot)s cannot be skipped: the card cannot be issued without it.") % {"slot": slot.label})
    if code not in allowed:
        raise RecordingRefused(
            "bad_exception",
            _("%(code)s is not a reason for a missing %(slot)s; use one of: %(allowed)s.")
            % {"code": code, "slot": slot.label, "allowed": ", ".join(str(c.label) for c in allowed)},
        )
    if supervisor is None or supervisor.pk == actor.pk:
        raise RecordingRefused("approver", _("An exception must be approved by a supervisor other than the operator."))
    if not scoping.authorize(supervisor, Permission.APPROVE, kecamatan_code=session.kecamatan_code):
        raise RecordingRefused("approver", _("%(user)s may not approve exceptions for this kecamatan.") % {"user": supervisor.get_username()})
    now = timezone.now()
    meta = {
        "slot": slot.name,
        "modality": slot.modality,
        "position": slot.position,
        "iso_position": slot.iso_position,
        "exception_code": code,
        "exception_note": note.strip()[:200],
        "approved_by": supervisor.get_username(),
        "approved_at": now.isoformat(),
    }
    row = RecordingCapture.objects.filter(session=session, slot=slot.name).first() or RecordingCapture(session=session, slot=slot.name)
    row.sealed = _seal(session, slot.name, packets.CapturePayload(meta, b"", b""))
    row.image_format, row.width, row.height, row.dpi, row.quality, row.problems = "", 0, 0, 0, {}, []
    row.exception_code, row.exception_note = code, note.strip()[:200]
    row.approved_by, row.approved_at = supervisor, now
    row.device, row.device_time = "", now
    row.save()
    previews.drop(session.pk, slot.name)
    record(
        request,
        "approve",
        actor=supervisor,
        object_type="biometric_exception",
        object_id=f"{session.pk}:{slot.name}",
        kecamatan_code=session.kecamatan_code,
        details={"slot": slot.name, "code": code, "operator": actor.get_username()},
    )
    return row


# --- Review and submit ------------------------------------------------------------------


def outstanding(session: RecordingSession) -> list[str]:
    """What still stops the submission, one message each (empty when ready)."""
    problems = []
    if session.demographics_confirmed_at is None:
        problems.append(_("The resident's data has not been confirmed."))
    rows = {row.slot: row for row in session.captures.all()}
    missing = [str(slot.label) for slot in SLOTS if slot.name not in rows]
    if missing:
        problems.append(_("Not captured: %(slots)s. Capture them, or record an exception approved by a supervisor.") % {"slots": ", ".join(missing)})
    failing = [str(BY_NAME[name].label) for name, row in rows.items() if not row.is_ready]
    if failing:
        problems.append(_("Failed the quality check: %(slots)s. Retake them.") % {"slots": ", ".join(failing)})
    return problems


def _demographics(session, resident, station, actor, now, rows) -> dict:
    data = {field: getattr(resident, field) for field in CARD_FIELDS}
    data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}
    return {
        "request_id": str(session.request_id),
        "packet_id": str(session.packet_id),
        "nik": session.nik,
        # Identity fields the central's de-duplication reads (processing.pipeline).
        "full_name": resident.full_name,
        "birth_date": resident.birth_date.isoformat(),
        "birth_place": resident.birth_place,
        "sex": resident.sex,
        "mother_name": resident.mother_name,
        "father_name": resident.father_name,
        "exceptions": [
            {"slot": row.slot, "code": row.exception_code, "approved_by": row.approved_by.get_username() if row.approved_by else ""}
            for row in rows
            if row.exception_code
        ],
        "resident_id": str(resident.pk),
        "kelurahan": resident.kelurahan_id,
        "kecamatan_code": session.kecamatan_code,
        "demographics": data,
        "corrections": session.corrections,
        "operator": actor.get_username(),
        "station_id": str(station.pk),
        "office": session.office.code,
        "started_at": session.created_at.isoformat(),
        "confirmed_at": session.demographics_confirmed_at.isoformat(),
        "submitted_at": now.isoformat(),
        "captures": {
            row.slot: {
                "device_time": row.device_time.isoformat() if row.device_time else None,
                "attempts": row.attempts,
                "quality": row.quality,
                "exception_code": row.exception_code,
                "exception_note": row.exception_note,
                "approved_by": row.approved_by.get_username() if row.approved_by else "",
                "approved_at": row.approved_at.isoformat() if row.approved_at else None,
            }
            for row in rows
        },
    }


def submit(session: RecordingSession, *, actor, request=None, today: dt.date | None = None) -> KtpRequest:
    """Seal the demographics, build and sign the packet, and in one transaction put it in the
    outbox and open the e-KTP request as recorded. Refused (nothing stored) when anything is
    outstanding."""
    today = today or timezone.localdate()
    with transaction.atomic():
        session = _open_session(session, actor)
        check_operator(actor)
        problem = eligibility_problem(session.resident, today)
        if problem:
            raise problem
        problems = outstanding(session)
        if problems:
            raise RecordingRefused("incomplete", " ".join(problems))
        identity = current_station(session.office)
        now = timezone.now()
        rows = list(session.captures.select_related("approved_by").order_by("slot"))
        by_slot = {row.slot: row for row in rows}
        demographics = _demographics(session, session.resident, identity.station, actor, now, rows)
        sealed = {"demographics": packets.seal_part(session.packet_id, "demographics", json.dumps(demographics, sort_keys=True).encode(), central_public_key())}
        for slot in SLOTS:
            sealed[slot.name] = bytes(by_slot[slot.name].sealed)
        body = packets.build_packet(
            packet_id=session.packet_id,
            station_id=identity.station.pk,
            kind=packets.KIND_RECORDING,
            sealed_parts=sealed,
            private_key=identity.private_key,
            created_at=now,
        )
        outbox.enqueue(body)
        exceptions = {row.slot: row.exception_code for row in rows if row.exception_code}
        try:
            ktp_request = requests.open_request(
                nik=session.nik,
                office=session.office,
                kecamatan_code=session.kecamatan_code,
                status=RequestStatus.RECORDED,
                resident=session.resident,
                request_id=session.request_id,
                packet_id=session.packet_id,
                actor=actor,
                station=identity.station,
                device_time=now,
                details={"packet_id": str(session.packet_id), "packet_bytes": len(body), "exceptions": exceptions},
            )
        except requests.OpenRequestExists as exc:
            raise RecordingRefused("open_request", exc.messages[0]) from exc
        # The outbox holds the sealed captures now; the draft keeps only the metadata.
        session.captures.update(sealed=b"")
        session.state, session.submitted_at = RecordingSession.State.SUBMITTED, now
        session.save(update_fields=["state", "submitted_at", "updated_at"])
        record(
            request,
            "submit",
            actor=actor,
            station=identity.station,
            device_time=now,
            object_type="recording",
            object_id=str(session.packet_id),
            kecamatan_code=session.kecamatan_code,
            details={"nik": session.nik, "request": str(ktp_request.pk), "exceptions": exceptions, "bytes": len(body)},
        )
    previews.drop_session(session.pk)
    return ktp_request


@transaction.atomic
def cancel(session: RecordingSession, *, actor, reason: str = "", request=None) -> RecordingSession:
    """Abandon a recording (the resident left); its sealed captures are discarded."""
    session = _open_session(session, actor)
    session.captures.update(sealed=b"")
    session.state = RecordingSession.State.CANCELLED
    session.save(update_fields=["state", "updated_at"])
    record(
        request,
        "update",
        actor=actor,
        object_type="recording_session",
        object_id=str(session.pk),
        kecamatan_code=session.kecamatan_code,
        details={"cancelled": reason.strip()[:200]},
    )
    previews.drop_session(session.pk)
    return session


def biometric_payload_sizes(body: bytes) -> dict[str, int]:
    """Sealed size of each biometric part of a packet (everything but the demographics)."""
    parsed = packets.parse_packet(body)
    return {part.name: part.size for part in parsed.parts if part.name != "demographics"}


__all__ = [
    "ExceptionCode",
    "RecordingRefused",
    "approve_exception",
    "biometric_payload_sizes",
    "cancel",
    "capture",
    "confirm_demographics",
    "outstanding",
    "start_session",
    "submit",
]
