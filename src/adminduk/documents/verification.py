"""Checking a document's QR token: online against this installation's register (page and API),
or offline against a published key list (`adminduk verify FILE.pdf`).

Verdicts: valid (authentic and current), superseded, revoked; and the failures: invalid (not
a token, altered, or signed by a key that is not published) and unknown (a correctly signed
token for a document this register does not hold). Offline, `mismatch` says that the QR code
was signed for other content than the document it is printed on."""

from dataclasses import dataclass

from django.db import connections, router

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
        key_id, payload, signature, claims = signing.parse(token)
        public = keys.public_key(key_id)
        if public is None:
            return Verdict(INVALID)
        claims = signing.check_parsed(payload, signature, claims, public)
    except signing.BadToken:
        return Verdict(INVALID)
    document = _registered(claims.kind, claims.number, claims.version)
    if document is None or (document.content_hash or signing.EMPTY_HASH) != claims.content_hash:
        return Verdict(UNKNOWN, claims=claims)
    return Verdict(document.state, document, claims)


# The register lookup of every verification, compiled once per database (the ORM compiling the
# same query again cost ten times the query itself): what the page and the API show, the
# office's name and the successor's number, as a model instance whose other fields are deferred.
_SHOWN = {"id", "kind", "number", "version", "nik", "full_name", "office_id", "issued_at", "content_hash", "key_id",
          "superseded_by_id", "superseded_at", "revoked_at", "revocation_reason"}
_OWN = [f.attname for f in IssuedDocument._meta.concrete_fields if f.attname in _SHOWN]  # from_db wants the model's order
_FIELDS = (*_OWN, "office__name", "superseded_by__number")
_SENTINELS = ("\x00kind", "\x00number", 791979)  # placeholders, to find each parameter's place in the SQL
_compiled: dict[str, tuple[str, list[int], dict]] = {}


def _compile(using: str) -> tuple[str, list[int], dict]:
    kind, number, version = _SENTINELS
    query = IssuedDocument.objects.using(using).filter(kind=kind, number=number, version=version).order_by().values_list(*_FIELDS)[:1].query
    compiler = query.get_compiler(using)
    sql, params = compiler.as_sql()
    converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
    return sql, [_SENTINELS.index(p) for p in params], converters


def _registered(kind: str, number: str, version: int) -> IssuedDocument | None:
    """The register's row for (kind, number, version), or None."""
    from adminduk.offices.models import Office

    using = router.db_for_read(IssuedDocument)
    if using not in _compiled:
        _compiled[using] = _compile(using)
    sql, order, converters = _compiled[using]
    given = (kind, number, version)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, [given[i] for i in order])
        found = cursor.fetchone()
    if found is None:
        return None
    row = list(found)
    for position, (functions, expression) in converters.items():  # as the ORM does: the backend's types to Python's
        for function in functions:
            row[position] = function(row[position], expression, connection)
    *own, office_name, successor_number = row
    document = IssuedDocument.from_db(using, _OWN, own)
    document.office = Office.from_db(using, ["id", "name"], [document.office_id, office_name])
    if document.superseded_by_id is not None:
        document.superseded_by = IssuedDocument.from_db(using, ["id", "number"], [document.superseded_by_id, successor_number])
    return document


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
