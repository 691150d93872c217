"""Public verification API: anyone may check a document's QR token and fetch the published
key list (no login, as the page; no more personal data than the paper shows)."""

from django.http import HttpRequest
from ninja import Router, Schema, Status

from . import keys, verification

router = Router(tags=["documents"], auth=None)  # public: the QR code is meant to be checked by anyone


class DocumentFacts(Schema):
    kind: str
    kind_label: str
    number: str
    version: int
    nik: str
    name: str
    office: str
    issued_on: str
    revoked_on: str | None = None
    revocation_reason: str | None = None
    superseded_by: str | None = None


class VerificationOut(Schema):
    status: str
    authentic: bool
    current: bool
    document: DocumentFacts | None = None


class PublishedKey(Schema):
    key_id: str
    public_key: str
    office: str
    role: str
    revoked_at: str | None = None


class KeyListOut(Schema):
    format: str
    exported_at: str
    keys: list[PublishedKey]


@router.get("/verify/{token}", response={200: VerificationOut, 404: VerificationOut},
            summary="Is this document authentic and current (valid, superseded, revoked)?")
def verify(request: HttpRequest, token: str):
    return _answer(verification.verify_token(token))


@router.post("/verify-pdf", response={200: VerificationOut, 404: VerificationOut, 400: VerificationOut},
             summary="Check a whole document PDF: its QR token and that the page is the document the token was signed for",
             openapi_extra={"requestBody": {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
def verify_pdf(request: HttpRequest):
    from . import pdfcheck

    try:
        verdict = verification.verify_pdf(request.body)
    except pdfcheck.UnreadablePdf:
        return Status(400, {"status": "unreadable", "authentic": False, "current": False, "document": None})
    return _answer(verdict)


def _answer(verdict):
    authentic = verdict.status in verification.AUTHENTIC
    body = {"status": verdict.status, "authentic": authentic, "current": verdict.status == verification.VALID,
            "document": verification.public_facts(verdict.document) if verdict.document is not None else None}
    return Status(200 if authentic else 404, body)


@router.get("/keys", response=KeyListOut, summary="The published document-signing keys (for offline verification)")
def key_list(request: HttpRequest):
    return keys.key_list(with_register=False)
