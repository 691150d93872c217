"""The central's pipeline for one recording packet: receive → validate → demographic check →
biometric 1:N identification → decision (print_ready, or duplicate_suspected with an
Adjudication case).

Each stage runs in one transaction that also writes its StageResult, with the inbox row locked;
a stage that already has a result is skipped. So a packet processed twice, or a worker that
dies mid-stage, never produces a second effect: the stage either committed whole or not at all.
Nothing here raises on a bad packet: it is rejected with a precise reason (SIAK
ENROLL_FAILURE_AT_CENTRAL); only a matcher that cannot be reached raises, so the task retries.
"""

import datetime as dt
import json
import re
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from rapidfuzz import fuzz

from adminduk.audit.actions import record
from adminduk.biometrics import templates as tpl
from adminduk.biometrics.fusion import person_templates
from adminduk.biometrics.matching import get_matcher
from adminduk.enrollment import packets, requests, sealing
from adminduk.enrollment.models import KtpRequest
from adminduk.enrollment.statuses import RequestStatus
from adminduk.population.models import Resident
from adminduk.population.rules import NumberError, parse_nik
from adminduk.sync.models import InboxPacket

from . import jurisdiction
from .models import STAGE_ORDER, Adjudication, RequestDemographics, Stage, StageResult

S = RequestStatus
Outcome = StageResult.Outcome
FINGER_PARTS = tuple(f"finger_{hand}{n}" for hand in "RL" for n in range(1, 6))
TEMPLATE_PARTS = ("face", *FINGER_PARTS, "iris_R", "iris_L")
CAPTURE_PARTS = (*TEMPLATE_PARTS, "signature")
# The mother's name may be unknown in the registry (an empty string is sent); it is matched
# only when present.
REQUIRED_FIELDS = ("request_id", "nik", "full_name", "birth_date", "sex", "kecamatan_code")
NAME_MATCH = 90  # rapidfuzz token_sort_ratio, 0–100: "SITI RAHMAWATI" vs "SITI RAHMAWATY" is 93
MOTHER_MATCH = 85
TOP_K = 5
INVALID = "invalid_packet"
DUPLICATE = "duplicate"
# A request in one of these has been recorded (at the central) and not refused.
RECORDED_STATUSES = [s for s in S.values if s not in (S.BOOKED, S.CHECKED_IN, S.RECORDED, S.SENT, S.REJECTED)]


class Held(Exception):
    """A stage after receive was asked for while the request waits for a supervisor."""


class Rejected(Exception):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


def name_key(value: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^A-Z ]", " ", (value or "").upper())).strip()


# --- Opening a packet ------------------------------------------------------------------------


def _packet(inbox: InboxPacket) -> packets.Packet:
    try:
        return packets.parse_packet(bytes(inbox.body))
    except packets.PacketError as exc:
        raise Rejected(INVALID, f"packet cannot be read: {exc.reason}") from exc


def open_demographics(packet: packets.Packet) -> dict:
    try:
        raw = packet.open_part("demographics", sealing.central_private_key())
    except packets.PacketError as exc:
        raise Rejected(INVALID, f"demographics: {exc.reason}") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Rejected(INVALID, f"demographics are not UTF-8 JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise Rejected(INVALID, "demographics are not a JSON object")
    missing = [f for f in REQUIRED_FIELDS if not str(data.get(f) or "").strip()]
    if missing:
        raise Rejected(INVALID, f"demographics lack {', '.join(missing)}")
    try:
        uuid.UUID(str(data["request_id"]))
    except ValueError as exc:
        raise Rejected(INVALID, f"request_id {data['request_id']!r} is not a UUID") from exc
    try:
        parse_nik(str(data["nik"]))
    except NumberError as exc:
        raise Rejected(INVALID, f"NIK {data['nik']!r}: {exc.message}") from exc
    try:
        dt.date.fromisoformat(str(data["birth_date"]))
    except ValueError as exc:
        raise Rejected(INVALID, f"birth_date {data['birth_date']!r} is not a date (YYYY-MM-DD)") from exc
    if data["sex"] not in ("L", "P"):
        raise Rejected(INVALID, f"sex must be L or P, not {data['sex']!r}")
    if not re.fullmatch(r"\d{2}\.\d{2}\.\d{2}", str(data["kecamatan_code"])):
        raise Rejected(INVALID, f"kecamatan_code {data['kecamatan_code']!r} is not a kecamatan code (PP.KK.CC)")
    return data


def open_captures(packet: packets.Packet, demographics: dict) -> dict[str, packets.CapturePayload]:
    """Every capture part, checked; Rejected names the first problem."""
    key = sealing.central_private_key()
    excepted = demographics.get("exceptions") or {}
    if isinstance(excepted, list):
        excepted = {str(e.get("slot") if isinstance(e, dict) else e): e for e in excepted}
    captures = {}
    for name in CAPTURE_PARTS:
        try:
            payload = packets.decode_capture(packet.open_part(name, key))
        except packets.PacketError as exc:
            raise Rejected(INVALID, f"{name}: {exc.reason}") from exc
        modality = payload.meta.get("modality")
        if modality != name.split("_", 1)[0]:
            raise Rejected(INVALID, f"{name}: the capture says modality {modality!r}")
        is_exception = bool(payload.meta.get("exception_code")) or name in excepted
        if name in TEMPLATE_PARTS:
            if not payload.template:
                if not is_exception:
                    raise Rejected(INVALID, f"{name}: no template and no approved exception")
                if name == "face":
                    raise Rejected(INVALID, "face: the face photo cannot be an exception")
            else:
                try:
                    tpl.decode(payload.template)
                except ValueError as exc:
                    raise Rejected(INVALID, f"{name}: bad template ({exc})") from exc
        if not payload.image and not is_exception:
            raise Rejected(INVALID, f"{name}: no image")
        captures[name] = payload
    return captures


def probe_templates(captures: dict[str, packets.CapturePayload]):
    return person_templates({name: tpl.decode(c.template) for name, c in captures.items() if name in TEMPLATE_PARTS and c.template})


# --- Running stages --------------------------------------------------------------------------


def next_stage(stage: str) -> str | None:
    i = STAGE_ORDER.index(stage)
    return STAGE_ORDER[i + 1] if i + 1 < len(STAGE_ORDER) else None


def pending_stage(packet_id) -> str | None:
    """The first stage still to run, or None when the packet is finished (or was refused)."""
    done = {r.stage: r for r in StageResult.objects.filter(packet_id=packet_id)}
    for stage in STAGE_ORDER:
        if stage not in done:
            return stage
        if done[stage].outcome == Outcome.REJECTED:
            return None
        if stage == Stage.RECEIVE and jurisdiction.is_held(done[stage].request_id):
            return None  # resumed when a supervisor accepts the recording away from home
    return None


def process_packet(packet_id) -> StageResult | None:
    """Run every remaining stage in this process (tests, re-processing by hand)."""
    result = None
    while (stage := pending_stage(packet_id)) is not None:
        result = run_stage(packet_id, stage)
    return result


def run_stage(packet_id, stage: str) -> StageResult:
    existing = StageResult.objects.filter(packet_id=packet_id, stage=stage).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        inbox = InboxPacket.objects.select_for_update().get(pk=packet_id)
        existing = StageResult.objects.filter(packet_id=packet_id, stage=stage).first()
        if existing is not None:  # another worker finished it while we waited for the lock
            return existing
        request = None
        if stage != Stage.RECEIVE:
            receive = StageResult.objects.get(packet_id=packet_id, stage=Stage.RECEIVE)
            request = KtpRequest.objects.get(pk=receive.request_id)
            if jurisdiction.is_held(request.pk):
                raise Held(f"request {request.pk} waits for a decision on its recording outside the home kecamatan")
        handler = {
            Stage.RECEIVE: _receive,
            Stage.VALIDATE: _validate,
            Stage.DEMOGRAPHIC: _demographic,
            Stage.BIOMETRIC: _biometric,
            Stage.DECIDE: _decide,
        }[stage]
        try:
            request, outcome, detail = handler(inbox, request)
        except Rejected as exc:
            outcome, detail = Outcome.REJECTED, {"code": exc.code, "reason": exc.reason}
            if request is not None:
                requests.transition(request, S.REJECTED, reason=exc.reason, rejection_code=exc.code, details={"stage": stage})
        if outcome == Outcome.REJECTED:
            _mark(inbox, InboxPacket.State.FAILED, f"{stage}: {detail['reason']}")
        elif stage == Stage.DECIDE:
            _mark(inbox, InboxPacket.State.PROCESSED, detail.get("decision", ""))
        elif "outside_home_review" in detail:
            _mark(inbox, InboxPacket.State.PROCESSING, jurisdiction.HELD_DETAIL)
        elif inbox.state != InboxPacket.State.PROCESSING:
            _mark(inbox, InboxPacket.State.PROCESSING, stage)
        return StageResult.objects.create(packet_id=packet_id, stage=stage, request=request, outcome=outcome, detail=detail)


def _mark(inbox: InboxPacket, state: str, detail: str) -> None:
    inbox.state, inbox.state_detail = state, detail[:300]
    inbox.save(update_fields=["state", "state_detail", "updated_at"])


def _receive(inbox: InboxPacket, _request):
    packet = _packet(inbox)
    if packet.packet_id != inbox.id:
        raise Rejected(INVALID, f"the packet names itself {packet.packet_id}, stored as {inbox.id}")
    data = open_demographics(packet)
    request_id = uuid.UUID(str(data["request_id"]))
    # Never the office or kecamatan written in the packet: see jurisdiction.py.
    office = inbox.station.office
    resident = Resident.objects.select_related("kelurahan").filter(nik=data["nik"]).first()
    home = jurisdiction.home_kecamatan(resident, str(data["kecamatan_code"]))
    existing = KtpRequest.objects.filter(pk=request_id).first()
    if existing is not None:
        # The node's own request (same database in a one-machine set-up), or a retried stage.
        if existing.office_id != office.pk or existing.nik != data["nik"]:
            raise Rejected(INVALID, f"request_id {request_id} belongs to another office's or person's request")
        if existing.status in (S.RECORDED, S.SENT):
            existing = requests.transition(existing, S.RECEIVED, station=inbox.station, device_time=inbox.device_time)
        if existing.packet_id is None:
            KtpRequest.objects.filter(pk=existing.pk).update(packet_id=inbox.id)
        request = existing
    else:
        try:
            request = requests.open_request(
                status=S.RECEIVED,
                request_id=request_id,
                packet_id=inbox.id,
                nik=data["nik"],
                office=office,
                kecamatan_code=home,
                resident=resident,
                station=inbox.station,
                device_time=inbox.device_time,
            )
        except requests.OpenRequestExists as refusal:
            return _refuse_second_open_request(inbox, data, request_id, office, home, refusal.existing)
    RequestDemographics.objects.get_or_create(
        request=request,
        defaults={
            "nik": data["nik"],
            "full_name": str(data["full_name"])[:120],
            "name_key": name_key(data["full_name"])[:120],
            "birth_date": dt.date.fromisoformat(data["birth_date"]),
            "mother_name": str(data.get("mother_name") or "")[:120],
            "mother_key": name_key(str(data.get("mother_name") or ""))[:120],
        },
    )
    detail = {"nik": data["nik"], "office": office.code, "kecamatan": home}
    if str(data.get("office") or "") != office.code or str(data["kecamatan_code"]) != home:
        detail["claimed"] = {"office": str(data.get("office") or "")[:40], "kecamatan": str(data["kecamatan_code"])}
    if request.status != S.RECEIVED:
        return request, Outcome.PASSED, detail  # the node's own request, already past receipt
    if jurisdiction.is_deceased(resident):
        reason = f"NIK {data['nik']} is recorded as deceased in the registry (died {resident.died_on or '?'})"
        requests.transition(request, S.REJECTED, station=inbox.station, reason=reason, rejection_code=jurisdiction.DECEASED)
        return request, Outcome.REJECTED, detail | {"code": jurisdiction.DECEASED, "reason": reason}
    if not jurisdiction.office_covers(office, home):
        review = jurisdiction.open_review(request, inbox=inbox, office=office, home=home, data=data)
        return request, Outcome.FLAGGED, detail | {"outside_home_review": str(review.pk)}
    return request, Outcome.PASSED, detail


def _refuse_second_open_request(inbox, data, request_id, office, home, open_one):
    """The same NIK already has an open request at the central: the one-open-request rule keeps a
    second one from opening, so this recording is recorded straight as a refused duplicate."""
    reason = f"NIK {data['nik']} already has an open e-KTP request {open_one.pk} ({open_one.get_status_display()})"
    request = requests.record_refused_request(
        request_id=request_id, nik=data["nik"], office=office, kecamatan_code=home, rejection_code=DUPLICATE,
        reason=reason, packet_id=inbox.id, station=inbox.station, device_time=inbox.device_time,
        details={"existing_request": str(open_one.pk)},
    )  # fmt: skip
    return request, Outcome.REJECTED, {"code": DUPLICATE, "reason": reason, "existing_request": str(open_one.pk)}


def _validate(inbox, request):
    packet = _packet(inbox)
    data = open_demographics(packet)
    captures = open_captures(packet, data)
    present = [n for n in TEMPLATE_PARTS if captures[n].template]
    requests.transition(request, S.VALIDATED)
    return request, Outcome.PASSED, {"templates": len(present), "exceptions": [n for n in TEMPLATE_PARTS if n not in present]}


def _demographic(inbox, request):
    requests.transition(request, S.DEDUP_PENDING)
    mine = RequestDemographics.objects.get(request=request)
    hits = []
    same_nik = KtpRequest.objects.filter(nik=request.nik, status__in=RECORDED_STATUSES).exclude(pk=request.pk).order_by("created_at")
    for other in same_nik:
        hits.append({"request_id": str(other.pk), "nik": other.nik, "checks": ["same_nik"]})
    others = (
        RequestDemographics.objects.filter(birth_date=mine.birth_date, request__status__in=RECORDED_STATUSES)
        .exclude(nik=request.nik)
        .select_related("request")
    )
    for other in others:
        name = fuzz.token_sort_ratio(mine.name_key, other.name_key)
        mother = fuzz.token_sort_ratio(mine.mother_key, other.mother_key)
        if name >= NAME_MATCH and mother >= MOTHER_MATCH:
            hits.append({"request_id": str(other.request_id), "nik": other.nik, "checks": ["demographic"], "name_ratio": round(name), "mother_ratio": round(mother)})
    return request, (Outcome.FLAGGED if hits else Outcome.PASSED), {"candidates": hits}


def _biometric(inbox, request):
    packet = _packet(inbox)
    captures = open_captures(packet, open_demographics(packet))
    probe = probe_templates(captures)
    candidates = get_matcher().enroll_and_identify(str(request.pk), probe, top_k=TOP_K, nik=request.nik)
    hits = []
    niks = dict(KtpRequest.objects.filter(pk__in=[c.reference_id for c in candidates]).values_list("pk", "nik"))
    for c in candidates:
        if c.is_match:
            nik = niks.get(uuid.UUID(c.reference_id), "")
            hits.append({"request_id": c.reference_id, "nik": nik, "score": c.score, "modality_scores": c.modality_scores, "checks": ["biometric"]})
    best = candidates[0].score if candidates else None
    return request, (Outcome.FLAGGED if hits else Outcome.PASSED), {"candidates": hits, "best_score": best, "modalities": list(probe.modalities)}


def _decide(inbox, request):
    results = {r.stage: r for r in StageResult.objects.filter(packet_id=inbox.id)}
    merged: dict[str, dict] = {}
    for stage in (Stage.BIOMETRIC, Stage.DEMOGRAPHIC):
        for hit in results[stage].detail.get("candidates", []):
            entry = merged.setdefault(hit["request_id"], {"request_id": hit["request_id"], "nik": hit.get("nik", ""), "checks": []})
            for key, value in hit.items():
                if key == "checks":
                    entry["checks"] += [c for c in value if c not in entry["checks"]]
                elif key not in entry or not entry[key]:
                    entry[key] = value
    if not merged:
        requests.transition(request, S.PRINT_READY, reason="unique")
        return request, Outcome.PASSED, {"decision": "print_ready"}
    candidates = sorted(merged.values(), key=lambda c: (-(c.get("score") or 0), c["request_id"]))
    checks = sorted({c for hit in candidates for c in hit["checks"]})
    requests.transition(request, S.DUPLICATE_SUSPECTED, reason=", ".join(checks), details={"candidates": [c["request_id"] for c in candidates]})
    case, _ = Adjudication.objects.get_or_create(
        request=request,
        defaults={
            "matched_request_id": uuid.UUID(candidates[0]["request_id"]),
            "candidates": candidates,
            "checks": checks,
            "kecamatan_code": request.kecamatan_code,
        },
    )
    return request, Outcome.FLAGGED, {"decision": "duplicate_suspected", "adjudication": str(case.pk), "checks": checks}


# --- Adjudication ------------------------------------------------------------------------------


@transaction.atomic
def decide(case: Adjudication, decision: str, *, reason: str, actor, http_request=None) -> Adjudication:
    """A supervisor's decision on a suspected duplicate; audited and journaled."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    case = Adjudication.objects.select_for_update().get(pk=case.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the decision."), code="reason_required")
    if decision not in Adjudication.Decision.values:
        raise ValidationError(_("Choose one of the decisions."), code="bad_decision")
    if case.state == Adjudication.State.CLOSED:
        raise ValidationError(_("This case has already been decided."), code="closed")
    request = case.request
    if decision == Adjudication.Decision.REJECT_NEW:
        requests.transition(request, S.REJECTED, actor=actor, reason=reason, rejection_code=DUPLICATE, details={"adjudication": str(case.pk)})
        get_matcher().remove(str(request.pk))
        case.state = Adjudication.State.CLOSED
    elif decision == Adjudication.Decision.RELEASE:
        requests.transition(request, S.ADJUDICATED, actor=actor, reason=reason, details={"adjudication": str(case.pk)})
        requests.transition(request, S.PRINT_READY, actor=actor, reason=reason)
        case.state = Adjudication.State.CLOSED
    else:
        case.state = Adjudication.State.FLAGGED
    case.decision, case.reason, case.decided_by, case.decided_at = decision, reason[:300], actor, timezone.now()
    case.save()
    record(
        http_request, "adjudicate", actor=actor, object_type="adjudication", object_id=str(case.pk), kecamatan_code=case.kecamatan_code,
        details={"decision": decision, "reason": reason, "request": str(request.pk), "matched": str(case.matched_request_id)},
    )  # fmt: skip
    return case
