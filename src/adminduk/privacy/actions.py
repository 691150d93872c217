"""Every write of the privacy app, each with its audit entry: withholdings, correction requests
and objections (raised by residents from the portal, answered by staff)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record
from adminduk.audit.purposes import LEGAL_CATEGORIES, Purpose
from adminduk.civil.uploads import clean_upload

from . import policy, tracker
from .models import CorrectionRequest, Objection, Status, Withholding


def _kecamatan(resident) -> str:
    return (resident.kelurahan_id or "")[:8]


@transaction.atomic
def withhold(*, category: str, until: dt.datetime, covers_from: dt.datetime, legal_basis: str, actor, subject_nik: str = "", request=None) -> Withholding:
    if category not in {c.value for c in LEGAL_CATEGORIES}:
        raise ValidationError(_("Choose a legal category."))
    if until <= covers_from:
        raise ValidationError(_("The withholding must end after the first entry it covers."))
    if until <= timezone.now():
        raise ValidationError(_("The end of the withholding is in the past."))
    if not legal_basis.strip():
        raise ValidationError(_("Name the legal basis (letter or order number)."))
    withholding = Withholding.objects.create(
        category=category, until=until, covers_from=covers_from, legal_basis=legal_basis.strip()[:200], created_by=actor, subject_nik=subject_nik,
    )
    # The NIK goes in the details under its own key, never in the subject column: the entry
    # about a withholding must not show in the tracker of the resident it withholds from.
    record(request, "create", actor=actor, object_type="withholding", object_id=str(withholding.pk),
           details={"withheld_nik": subject_nik, "category": category, "covers_from": covers_from.isoformat(), "until": until.isoformat(), "legal_basis": withholding.legal_basis})
    return withholding


@transaction.atomic
def end_withholding(withholding: Withholding, *, actor, request=None) -> Withholding:
    """End a withholding now: its entries appear in the trackers at once."""
    withholding = Withholding.objects.select_for_update().get(pk=withholding.pk)
    now = timezone.now()
    if withholding.until > now:
        withholding.until, withholding.ended_early_at = now, now
        withholding.save(update_fields=["until", "ended_early_at"])
        record(request, "update", actor=actor, object_type="withholding", object_id=str(withholding.pk),
               details={"withheld_nik": withholding.subject_nik, "ended_early": now.isoformat()})
    return withholding


@transaction.atomic
def request_correction(resident, *, field: str, requested_value: str, explanation: str, evidence: bytes, evidence_name: str, request=None) -> CorrectionRequest:
    """A correction request with its evidence, checked and cleaned like civil uploads (the
    UploadRefused of civil.uploads propagates; nothing is stored then)."""
    if field not in CorrectionRequest.Field.values:
        raise ValidationError(_("Choose what is wrong."))
    if not requested_value.strip():
        raise ValidationError(_("Say what it should be."))
    cleaned = clean_upload(evidence, evidence_name)
    now = timezone.now()
    correction = CorrectionRequest.objects.create(
        resident=resident, nik=resident.nik, kecamatan_code=_kecamatan(resident), field=field,
        requested_value=requested_value.strip()[:300], explanation=explanation.strip()[:1000],
        evidence=cleaned.content, evidence_type=cleaned.content_type, evidence_sha256=cleaned.sha256,
        created_at=now, due_at=now + dt.timedelta(hours=policy.current().correction_hours),
    )
    record(request, "create", object_type="correction_request", object_id=str(correction.pk), kecamatan_code=correction.kecamatan_code,
           subject_nik=resident.nik, purpose=Purpose.CORRECTION, details={"field": field, "evidence_sha256": cleaned.sha256})
    return correction


@transaction.atomic
def answer_correction(correction: CorrectionRequest, *, outcome: str, answer: str, actor, request=None) -> CorrectionRequest:
    correction = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
    if correction.status != Status.OPEN:
        raise ValidationError(_("This request has been answered already."))
    if outcome not in CorrectionRequest.Outcome.values or not answer.strip():
        raise ValidationError(_("Choose the outcome and write the answer."))
    correction.status, correction.outcome, correction.answer = Status.ANSWERED, outcome, answer.strip()[:1000]
    correction.answered_by, correction.answered_at = actor, timezone.now()
    correction.save(update_fields=["status", "outcome", "answer", "answered_by", "answered_at"])
    record(request, "update", actor=actor, object_type="correction_request", object_id=str(correction.pk), kecamatan_code=correction.kecamatan_code,
           subject_nik=correction.nik, purpose=Purpose.CORRECTION, details={"outcome": outcome})
    return correction


def object_to(resident, *, entry_id: int, reason: str, request=None) -> Objection:
    """An objection to one staff read the resident's tracker shows them."""
    entry = tracker.visible_staff_entry(resident, entry_id)
    if entry is None:
        raise ValidationError(_("This entry is not in your data tracker."))
    if not reason.strip():
        raise ValidationError(_("Say why you do not recognise this read."))
    now = timezone.now()
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                resident=resident, nik=resident.nik, kecamatan_code=_kecamatan(resident), entry=entry, reason=reason.strip()[:1000],
                created_at=now, due_at=now + dt.timedelta(days=policy.current().objection_days),
            )
            record(request, "create", object_type="objection", object_id=str(objection.pk), kecamatan_code=objection.kecamatan_code,
                   subject_nik=resident.nik, purpose=Purpose.COMPLAINT, details={"entry": entry.pk})
    except IntegrityError as exc:
        raise ValidationError(_("You have already objected to this read; the answer will appear here.")) from exc
    return objection


@transaction.atomic
def answer_objection(objection: Objection, *, answer: str, actor, request=None) -> Objection:
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != Status.OPEN:
        raise ValidationError(_("This objection has been answered already."))
    if not answer.strip():
        raise ValidationError(_("Write the answer."))
    objection.status, objection.answer = Status.ANSWERED, answer.strip()[:1000]
    objection.answered_by, objection.answered_at = actor, timezone.now()
    objection.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    record(request, "update", actor=actor, object_type="objection", object_id=str(objection.pk), kecamatan_code=objection.kecamatan_code,
           subject_nik=objection.nik, purpose=Purpose.COMPLAINT, details={"answered": True})
    return objection
