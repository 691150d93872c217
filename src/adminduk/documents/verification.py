"""Checking a document's QR token: online against this installation's register (page and API),
or offline against a published key list (`adminduk verify FILE.pdf`).

Verdicts: valid (authentic and current), superseded, revoked; and the failures: invalid (not
a token, altered, or signed by a key that is not published) and unknown (a correctly signed
token for a document this register does not hold). Offline, `mismatch` says that the QR code
was signed for other content than the document it is printed on."""

from dataclasses import dataclass

from . import keys, signing
from .models import IssuedDocument

VALID, SUPERSEDED, REVOKED, INVALID, UNKNOWN, MISMATCH = "valid", "superseded", "revoked", "invalid", "unknown", "mismatch"
AUTHENTIC = {VALID, SUPERSEDED, REVOKED}


@dataclass
class Verdict:
    status: str
    document: IssuedDocument | None = None
    claims: signing.TokenClaims | None = None

    @property
    def ok(self) -> bool:
        return self.status == VALID


def verify_token(token: str) -> Verdict:
    """The verdict on `token` against this installation's keys and register."""
    try:
        key_id, _payload, _signature, _claims = signing.parse(token)
        public = keys.public_key(key_id)
        if public is None:
            return Verdict(INVALID)
        claims = signing.check(token, public)
    except signing.BadToken:
        return Verdict(INVALID)
    document = (
        IssuedDocument.objects.select_related("office", "superseded_by")
        .filter(number=claims.number, version=claims.version, kind=claims.kind)
        .first()
    )
    if document is None or (document.content_hash or signing.EMPTY_HASH) != claims.content_hash:
        return Verdict(UNKNOWN, claims=claims)
    return Verdict(document.state, document, claims)


def public_facts(document: IssuedDocument) -> dict:
    """What the page and API show: no more than the paper itself (the NIK partly masked)."""
    nik = document.nik
    masked = nik[:6] + "******" + nik[-4:] if len(nik) == 16 else nik
    facts = {
        "kind": document.kind, "kind_label": str(document.get_kind_display()), "number": document.number, "version": document.version,
        "nik": masked, "name": document.full_name, "office": document.office.name, "issued_on": document.issued_at.date().isoformat(),
    }
    if document.revoked_at is not None:
        facts["revoked_on"] = document.revoked_at.date().isoformat()
        facts["revocation_reason"] = document.revocation_reason
    if document.superseded_by is not None:
        facts["superseded_by"] = document.superseded_by.number
    return facts


def verify_offline(token: str, key_list: dict, content_bytes: bytes | None) -> tuple[str, signing.TokenClaims | None]:
    """The verdict from a published key list alone (see keys.load_key_list). `content_bytes`
    is the content read from the document itself; None skips that comparison."""
    try:
        key_id, _payload, _signature, _claims = signing.parse(token)
        public = key_list["keys"].get(key_id)
        if public is None:
            return INVALID, None
        claims = signing.check(token, public)
    except signing.BadToken:
        return INVALID, None
    if content_bytes is not None and signing.content_hash(content_bytes) != claims.content_hash:
        return MISMATCH, claims
    register = key_list.get("documents")
    if register is None:
        return VALID, claims
    state = register.get(keys.register_digest(claims.number, claims.version))
    return (state if state in AUTHENTIC else UNKNOWN), claims


def verify_pdf(pdf_bytes: bytes) -> Verdict:
    """The verdict on a whole PDF against this register: its QR token, and the text on the page
    against the content the token signed (a QR code copied onto another document fails).
    pdfcheck.UnreadablePdf if there is no document QR code to read."""
    from . import pdfcheck

    token, content = pdfcheck.read(pdf_bytes)
    verdict = verify_token(token)
    if verdict.claims is not None and signing.content_hash(content) != verdict.claims.content_hash:
        return Verdict(MISMATCH, None, verdict.claims)
    return verdict
