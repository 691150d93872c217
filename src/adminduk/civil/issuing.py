"""The documents an approved application issues, through the documents app's issue_document
(signed QR token over number, kind, version and content hash): the new KK superseding the old
KK's document, the akta with a registration number drawn from the office's number block, the
KIA. Runs inside the approval's transaction, so a refusal issues nothing."""

from django.utils.translation import gettext as _

from adminduk.documents import numbers, payloads, rendering
from adminduk.documents.issuing import DocumentError, issue_document, revoke_document
from adminduk.documents.models import DocumentKind, IssuedDocument
from adminduk.population.models import Family, Resident

from .choices import Kind, Requirement
from .errors import CivilError


def _current(kind: str, number: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(kind=kind, number=number, superseded_at__isnull=True, revoked_at__isnull=True).order_by("-version").first()


def _issue(kind, number, payload, *, office, actor, supersedes=None, valid_until=None) -> dict:
    try:
        document = issue_document(kind, number, payload, rendering.content_bytes(kind, number, payload), office=office, actor=actor,
                                  supersedes=supersedes, valid_until=valid_until)
    except (DocumentError, numbers.NumbersUnavailable) as exc:
        raise CivilError(exc.message, code=exc.code) from exc
    return {"kind": kind, "number": document.number, "version": document.version, "id": str(document.pk)}


def _kk(number: str, superseded: str, *, office, actor) -> dict:
    family = Family.objects.select_related("kelurahan__kecamatan__regency__province").get(kk_number=number)
    old = _current(DocumentKind.KK, superseded) if superseded else None
    return _issue(DocumentKind.KK, number, payloads.kk(family, office), office=office, actor=actor, supersedes=old)


def _close_kk(number: str, *, actor, reason: str) -> None:
    """A KK superseded without a successor (its last members left): its paper stops being current."""
    old = _current(DocumentKind.KK, number)
    if old is not None:
        revoke_document(old, reason=reason, actor=actor)


def issue_for(application, result: dict, *, actor) -> list[dict]:
    office, kind, data = application.office, application.kind, application.data
    reason = _("KK %(kk)s closed: no member left (application %(id)s).")
    issued = []
    try:
        if kind == Kind.AKTA_KELAHIRAN:
            child = Resident.objects.get(nik=result["nik"])
            number = numbers.next_number(numbers.Series.AKTA_KELAHIRAN, office)
            issued.append(_issue(DocumentKind.AKTA_KELAHIRAN, number, payloads.akta_kelahiran(child, data, office), office=office, actor=actor))
        elif kind == Kind.AKTA_KEMATIAN:
            deceased = Resident.objects.get(nik=result["nik"])
            reporter = Resident.objects.filter(nik=data["applicant_nik"]).first()
            number = numbers.next_number(numbers.Series.AKTA_KEMATIAN, office)
            issued.append(_issue(DocumentKind.AKTA_KEMATIAN, number, payloads.akta_kematian(deceased, data, reporter, office), office=office, actor=actor))
        elif kind == Kind.KIA:
            child = Resident.objects.select_related("kelurahan__kecamatan__regency__province").get(nik=result["nik"])
            membership = child.current_membership
            payload, valid_until = payloads.kia(child, membership.family if membership else None, office)
            issued.append(_issue(DocumentKind.KIA, f"KIA-{child.nik}", payload, office=office, actor=actor, valid_until=valid_until))
    except numbers.NumbersUnavailable as exc:
        raise CivilError(exc.message, code=exc.code) from exc
    for new, old in result.get("kk_changes", []):
        issued.append(_kk(new, old, office=office, actor=actor))
    for old in result.get("kk_closed", []):
        _close_kk(old, actor=actor, reason=reason % {"kk": old, "id": str(application.pk)[:8]})
    return issued


def photo_for(application) -> bytes | None:
    """The KIA photo (5 to 17): the cleaned image the applicant uploaded."""
    document = application.documents.filter(requirement=Requirement.CHILD_PHOTO).order_by("-uploaded_at").first()
    return bytes(document.content) if document else None
