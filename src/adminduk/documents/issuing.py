"""The write actions of the documents app: issue a document (a new one, a new version of the
same number, or one that supersedes another, as a new KK supersedes the old), and revoke one
with a reason. Each is audited; on a node each also travels to the central as an event.

Other apps call `issue_document` (stable signature) inside their own transaction, with a
number drawn by `numbers.next_number` and the content bytes their document shows (for the
built-in renderers: `rendering.content_bytes(kind, payload)`)."""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record

from . import events, keys, signing
from .models import DocumentKind, IssuedDocument


class DocumentError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@transaction.atomic
def issue_document(
    kind: str,
    number: str,
    payload: dict,
    content_bytes: bytes,
    *,
    office,
    actor=None,
    nik: str = "",
    full_name: str = "",
    supersedes: IssuedDocument | None = None,
    valid_until: dt.date | None = None,
) -> IssuedDocument:
    """Record and sign a document. `payload` is what the document states (kept to render it
    again and to answer verification; keep it to what the paper shows); `content_bytes` is the
    content whose SHA-256 the QR token signs. Issuing a number that exists makes a new version
    of it (the previous version is superseded); `supersedes` names another document this one
    replaces. Returns the document with `.token` set (the QR code's token)."""
    if kind not in DocumentKind.values:
        raise DocumentError("bad_kind", _("Unknown document kind %(kind)r.") % {"kind": kind})
    number = (number or "").strip()
    if not number or len(number) > 40:
        raise DocumentError("bad_number", _("A document number has 1 to 40 characters."))
    if not isinstance(content_bytes, bytes | bytearray) or not isinstance(payload, dict):
        raise DocumentError("bad_content", _("A document needs its data and its content."))
    nik = nik or str(payload.get("nik", ""))
    full_name = full_name or str(payload.get("nama", ""))
    previous = list(IssuedDocument.objects.select_for_update().filter(number=number).order_by("-version")[:1])
    if previous and previous[0].kind != kind:
        raise DocumentError("number_taken", _("Number %(number)s belongs to a document of another kind.") % {"number": number})
    version = (IssuedDocument.objects.filter(number=number).aggregate(v=Max("version"))["v"] or 0) + 1
    key = keys.own_key(office)
    document = IssuedDocument.objects.create(
        kind=kind, number=number, version=version, nik=nik[:16], full_name=full_name[:120], office=office,
        issued_by=actor if getattr(actor, "pk", None) else None, valid_until=valid_until, payload=payload,
        content_hash=signing.content_hash(bytes(content_bytes)), key_id=key.key_id,
    )
    now = timezone.now()
    replaced = [d for d in previous if d.superseded_at is None]
    if supersedes is not None:
        supersedes = IssuedDocument.objects.select_for_update().get(pk=supersedes.pk)
        if supersedes.superseded_at is None:
            replaced.append(supersedes)
    for old in replaced:
        IssuedDocument.objects.filter(pk=old.pk).update(superseded_by=document, superseded_at=now, updated_at=now)
        record(None, "update", actor=actor, object_type="document", object_id=f"{old.number} v{old.version}",
               details={"superseded_by": f"{number} v{version}"})
    record(None, "create", actor=actor, object_type="document", object_id=f"{number} v{version}",
           kecamatan_code=office.kecamatan_id or "", details={"kind": kind, "nik": document.nik, "key": key.key_id})
    events.emit("issued", office, actor=actor, document={
        "id": str(document.pk), "kind": kind, "number": number, "version": version, "nik": document.nik, "full_name": document.full_name,
        "office": office.code, "valid_until": valid_until.isoformat() if valid_until else None, "payload": payload,
        "content_hash": document.content_hash, "key_id": key.key_id, "issued_at": document.issued_at.isoformat(),
        "supersedes": str(supersedes.pk) if supersedes is not None else None,
    })
    document.token = signing.token_for(document)
    return document


@transaction.atomic
def revoke_document(document: IssuedDocument, *, reason: str, actor=None) -> IssuedDocument:
    """Revoke an issued document (it then verifies as revoked, with the reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise DocumentError("no_reason", _("Say why the document is revoked."))
    document = IssuedDocument.objects.select_for_update().select_related("office").get(pk=document.pk)
    if document.revoked_at is not None:
        raise DocumentError("already_revoked", _("This document was already revoked."))
    document.revoked_at, document.revocation_reason = timezone.now(), reason[:300]
    document.revoked_by = actor if getattr(actor, "pk", None) else None
    document.save(update_fields=["revoked_at", "revocation_reason", "revoked_by", "updated_at"])
    record(None, "update", actor=actor, object_type="document", object_id=f"{document.number} v{document.version}",
           kecamatan_code=document.office.kecamatan_id or "", details={"revoked": document.revocation_reason})
    events.emit("revoked", document.office, actor=actor, number=document.number, version=document.version, reason=document.revocation_reason)
    return document
