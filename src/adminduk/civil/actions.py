"""Every change of an application goes through one function here, which does the write, the
journal entry (ApplicationEvent) and the audit entry together. On a node, what the office does
at the counter (a new application, a document added) also becomes an event packet in the
node's exactly-once outbox (civil.events); decisions are taken at the central, which holds the
registry."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record

from . import events, requirements, rules, uploads
from .choices import OPEN, Action, Requirement, Status
from .errors import CivilError
from .models import Application, ApplicationDocument, ApplicationEvent


def _journal(application, action, *, actor=None, note="", details=None, at=None):
    ApplicationEvent.objects.create(
        application=application, action=action, actor=actor if getattr(actor, "pk", None) else None,
        actor_username=getattr(actor, "username", "") or "", note=note[:300], details=details or {}, at=at or timezone.now(),
    )
    record(None, "create" if action == Action.SUBMITTED else "update", actor=actor if getattr(actor, "pk", None) else None,
           object_type="civil_application", object_id=str(application.pk), kecamatan_code=application.kecamatan_code,
           subject_nik=application.subject_nik or application.applicant_nik, details={"action": str(action), "kind": application.kind, **({"note": note[:300]} if note else {})})


def missing_documents(application: Application) -> list[str]:
    """Required documents not uploaded yet, and those staff asked for (again) that have not
    been uploaded since they asked."""
    latest: dict[str, dt.datetime] = {}
    for requirement, at in application.documents.values_list("requirement", "uploaded_at"):
        latest[requirement] = max(at, latest.get(requirement, at))
    birth = dt.date.fromisoformat(application.data["child_birth_date"]) if application.data.get("child_birth_date") else None
    needed = requirements.required_documents(application.kind, child_birth_date=birth, on=timezone.localdate())
    missing = [r for r in needed if r not in latest]
    for requirement, asked_at in application.data.get("_asked", {}).items():
        if requirement not in missing and (requirement not in latest or latest[requirement] <= dt.datetime.fromisoformat(asked_at)):
            missing.append(requirement)
    return missing


@transaction.atomic
def submit(kind: str, data: dict, *, office, channel: str, actor=None, application_id=None, submitted_at=None, from_node=False) -> Application:
    """A new application from validated form data (civil.forms); CivilError when the registry
    does not fit. Starts the service-standard clock. An application a node already accepted is
    stored at the central even when the central's registry disagrees: the check's refusal is
    journaled for the staff who decide it."""
    today = timezone.localdate()
    refusal = ""
    try:
        subject = rules.check(kind, data, on=today)
    except CivilError as exc:
        if not from_node:
            raise
        refusal = exc.messages[0]
        subject = rules.Subject(data.get("deceased_nik") or data.get("child_nik") or data.get("member_nik") or "", data.get("kk_number", ""),
                                office.kecamatan_id or "")
    if office is None:  # from the portal: the office of the kecamatan concerned decides
        from .queries import office_for_kecamatan

        office = office_for_kecamatan(subject.kecamatan_code)
    if office is None:
        raise CivilError(_("No office serves this kecamatan."), code="no_office")
    now = submitted_at or timezone.now()
    if subject.child_birth_date:
        data = {**data, "child_birth_date": subject.child_birth_date.isoformat()}
    application = Application.objects.create(
        **({"id": application_id} if application_id else {}),
        kind=kind, channel=channel, office=office, kecamatan_code=subject.kecamatan_code, applicant_nik=data["applicant_nik"],
        subject_nik=subject.subject_nik, kk_number=subject.kk_number, data=data, submitted_at=now,
        due_at=now + dt.timedelta(hours=requirements.service_hours(kind)), created_by=actor if getattr(actor, "pk", None) else None,
    )
    application.missing = missing_documents(application)
    application.save(update_fields=["missing", "updated_at"])
    _journal(application, Action.SUBMITTED, actor=actor, note=refusal, details={"channel": channel}, at=now)
    events.emit("submitted", application, actor=actor, application_fields=events.application_fields(application))
    return application


@transaction.atomic
def add_document(application: Application, requirement: str, data: bytes, name: str = "", *, actor=None, document_id=None) -> ApplicationDocument:
    """Check, clean and store one supporting document; UploadRefused (nothing stored) when the
    file is not acceptable. When the last missing document arrives for an application that was
    waiting on the applicant, it goes back to the queue and its clock resumes."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in OPEN:
        raise CivilError(_("The application is already decided."), code="decided")
    if requirement not in Requirement.values:
        raise CivilError(_("Unknown kind of document."), code="requirement")
    clean = uploads.clean_upload(data, name, image_only=requirement in requirements.IMAGE_ONLY)
    document = ApplicationDocument.objects.create(
        **({"id": document_id} if document_id else {}),
        application=application, requirement=requirement, content_type=clean.content_type, content=clean.content,
        size=len(clean.content), sha256=clean.sha256, uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    application.missing = missing_documents(application)
    update = ["missing", "updated_at"]
    _journal(application, Action.DOCUMENT_ADDED, actor=actor, details={"requirement": requirement, "sha256": clean.sha256, "size": len(clean.content)})
    if application.status == Status.NEEDS_DOCUMENTS and not application.missing:
        now = timezone.now()
        if application.waiting_since:
            application.due_at += now - application.waiting_since
        application.status, application.waiting_since = Status.SUBMITTED, None
        update += ["status", "due_at", "waiting_since"]
        _journal(application, Action.RESUMED, actor=actor)
    application.save(update_fields=update)
    events.emit("document_added", application, actor=actor, document=str(document.pk), requirement=requirement,
                content=events.b64(clean.content), name=name[-80:])
    return document


def _central_only():
    if settings.ROLE != "central":
        raise CivilError(_("Applications are decided at the central, which holds the registry."), code="central_only")


def _lock_open(application: Application) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in OPEN:
        raise CivilError(_("The application is already decided."), code="decided")
    return application


@transaction.atomic
def request_documents(application: Application, wanted: list[str], *, note: str, actor) -> Application:
    """Ask the applicant for more (or better) documents; the clock stops until they arrive."""
    _central_only()
    application = _lock_open(application)
    wanted = [w for w in wanted if w in Requirement.values]
    if not wanted:
        raise CivilError(_("Choose at least one document to ask for."), code="nothing_asked")
    if not note.strip():
        raise CivilError(_("Tell the applicant what is wrong or missing."), code="note_required")
    now = timezone.now()
    application.data = {**application.data, "_asked": {**application.data.get("_asked", {}), **{w: now.isoformat() for w in wanted}}}
    application.missing = missing_documents(application)
    application.note_to_applicant = note.strip()[:300]
    if application.status == Status.SUBMITTED:
        application.status, application.waiting_since = Status.NEEDS_DOCUMENTS, now
    application.save(update_fields=["data", "missing", "note_to_applicant", "status", "waiting_since", "updated_at"])
    _journal(application, Action.DOCUMENTS_REQUESTED, actor=actor, note=note, details={"wanted": wanted})
    return application


@transaction.atomic
def reject(application: Application, *, reason: str, actor) -> Application:
    _central_only()
    application = _lock_open(application)
    if not reason.strip():
        raise CivilError(_("A rejection needs a reason."), code="reason_required")
    application.status, application.decided_at, application.decided_by = Status.REJECTED, timezone.now(), actor
    application.decision_reason = reason.strip()[:300]
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason", "updated_at"])
    _journal(application, Action.REJECTED, actor=actor, note=reason)
    return application


def _send_download_links(application: Application, issued: list[dict], *, actor, request) -> str:
    """A link and PIN per issued document to the applicant's phone on file; returns the last
    digits of the number they went to ("" when the applicant has no usable number)."""
    from adminduk.documents import downloads
    from adminduk.documents.models import IssuedDocument
    from adminduk.messaging.phones import InvalidPhone
    from adminduk.population.models import Resident

    applicant = Resident.objects.filter(nik=application.applicant_nik).first()
    if applicant is None or not applicant.phone or not issued:
        return ""
    base = downloads.link_base(request)
    try:
        for document in IssuedDocument.objects.filter(pk__in=[d["id"] for d in issued]).select_related("office"):
            downloads.grant_download(document, phone=applicant.phone, link_base=base, actor=actor, resident=applicant)
    except InvalidPhone:
        return ""
    return applicant.phone[-4:]


@transaction.atomic
def approve(application: Application, *, actor, request=None) -> Application:
    """Apply the change to the registry and issue its documents, all in this transaction: any
    refusal leaves the registry and the application as they were. The applicant is sent a
    download link and PIN for each document (after the commit), on the phone on file."""
    from .effects import apply

    _central_only()
    application = _lock_open(application)
    missing = missing_documents(application)
    if missing:
        labels = ", ".join(str(Requirement(m).label) for m in missing)
        raise CivilError(_("Documents still missing: %(docs)s.") % {"docs": labels}, code="documents_missing")
    rules.check(application.kind, application.data, on=timezone.localdate())
    result = apply(application, actor=actor)
    result["download_links_to"] = _send_download_links(application, result["documents"], actor=actor, request=request)
    application.status, application.decided_at, application.decided_by = Status.APPROVED, timezone.now(), actor
    application.result, application.missing = result, []
    application.save(update_fields=["status", "decided_at", "decided_by", "result", "missing", "updated_at"])
    _journal(application, Action.APPROVED, actor=actor, details=result)
    return application


