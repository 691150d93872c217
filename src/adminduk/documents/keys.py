"""The document-signing keys an installation knows, and the key list the Dinas publishes.

The central registers its own key on first use. A node generates its key on first use,
registers it locally (so the node verifies its own documents at once) and sends the public key
to the central in an event packet signed by its station, as station keys are trusted: the
central registers it for the station's office and publishes it in the key list (API, page and
`adminduk documents export-keys`), which the pull also carries to every node."""

import datetime as dt
import hashlib
import json
import time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record

from . import signing
from .models import IssuedDocument, NumberBlock, SigningKey

KEY_LIST_FORMAT = "adminduk-document-keys/1"
_CACHE_SECONDS = 30
_public_cache: dict[str, tuple[float, object]] = {}


class KeyError_(ValueError):
    pass


@transaction.atomic
def register_key(public_key_b64: str, *, role: str, office=None, actor=None) -> SigningKey:
    """Register a document-signing public key (idempotent for the same key and office)."""
    signing.decode_public(public_key_b64)
    key_id = signing.key_id_of(public_key_b64)
    _public_cache.pop(key_id, None)  # other processes see a new key within _CACHE_SECONDS
    existing = SigningKey.objects.filter(key_id=key_id).first()
    if existing is not None:
        if existing.public_key != public_key_b64.strip() or existing.office_id != getattr(office, "pk", None):
            raise KeyError_(_("This document key is already registered for another office."))
        return existing
    try:
        with transaction.atomic():
            key = SigningKey.objects.create(key_id=key_id, public_key=public_key_b64.strip(), role=role, office=office)
    except IntegrityError:
        return SigningKey.objects.get(key_id=key_id)
    record(None, "create", actor=actor, object_type="document_key", object_id=key_id,
           details={"role": role, "office": getattr(office, "code", "")})
    return key


@transaction.atomic
def revoke_key(key: SigningKey, *, reason: str, actor=None) -> SigningKey:
    if not reason.strip():
        raise KeyError_(_("Say why the key is revoked."))
    key = SigningKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at, key.revocation_reason = timezone.now(), reason.strip()[:300]
        key.save(update_fields=["revoked_at", "revocation_reason", "updated_at"])
        record(None, "update", actor=actor, object_type="document_key", object_id=key.key_id, details={"revoked": key.revocation_reason})
    _public_cache.pop(key.key_id, None)
    return key


def own_key_id() -> str:
    return signing.key_id_of(signing.public_b64(signing.signing_key().public_key()))


def own_key(office=None) -> SigningKey:
    """This installation's signing key, registered here (and, on a node, announced to the
    central the first time)."""
    from .numbers import Holder, here

    public = signing.public_b64(signing.signing_key().public_key())
    key_id = signing.key_id_of(public)
    existing = SigningKey.objects.filter(key_id=key_id).first()
    if existing is not None:
        return existing
    role = here()
    key = register_key(public, role=role, office=office if role == Holder.NODE else None)
    if role == Holder.NODE and office is not None:
        from . import events

        events.emit("key", office, public_key=public)
    return key


def public_key(key_id: str):
    """The Ed25519 public key registered under `key_id` and not revoked, or None (cached briefly)."""
    now = time.monotonic()
    hit = _public_cache.get(key_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    row = SigningKey.objects.filter(key_id=key_id, revoked_at__isnull=True).values_list("public_key", flat=True).first()
    if row is None and not SigningKey.objects.filter(key_id=key_id).exists() and key_id == own_key_id():
        row = own_key().public_key  # this installation's key, used before it was first registered
    value = signing.decode_public(row) if row else None
    _public_cache[key_id] = (now + _CACHE_SECONDS, value)
    return value


def clear_cache() -> None:
    _public_cache.clear()


# --- The published key list ------------------------------------------------------------------------


def register_digest(number: str, version: int) -> str:
    """How a document appears in the published register: a digest of its number and version,
    so the list reveals no KK or akta number to whoever downloads it."""
    return hashlib.sha256(f"{number}|{version}".encode()).hexdigest()[:32]


def key_list(*, with_register: bool = True) -> dict:
    """The key list the Dinas publishes: every document key (revoked ones marked) and, for
    offline checks, the state of every document issued (valid, superseded, revoked) by digest."""
    data = {
        "format": KEY_LIST_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "keys": [
            {"key_id": k.key_id, "public_key": k.public_key, "office": k.office.code if k.office else "", "role": k.role,
             "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None}
            for k in SigningKey.objects.select_related("office").order_by("key_id")
        ],
    }
    if with_register:
        register = {}
        for number, version, revoked_at, superseded_at in IssuedDocument.objects.values_list("number", "version", "revoked_at", "superseded_at").iterator():
            register[register_digest(number, version)] = "revoked" if revoked_at else "superseded" if superseded_at else "valid"
        data["documents"] = register
    return data


def export_key_list() -> bytes:
    return json.dumps(key_list(), sort_keys=True, indent=1).encode() + b"\n"


def load_key_list(data: bytes) -> dict:
    """A published key list read back (ValueError with a clear reason if it is not one)."""
    try:
        parsed = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("the key file is not JSON") from exc
    if not isinstance(parsed, dict) or parsed.get("format") != KEY_LIST_FORMAT or not isinstance(parsed.get("keys"), list):
        raise ValueError(f"the key file is not an adminduk key list ({KEY_LIST_FORMAT})")
    keys = {}
    for entry in parsed["keys"]:
        try:
            if entry.get("revoked_at"):
                continue
            keys[str(entry["key_id"])] = signing.decode_public(str(entry["public_key"]))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError("the key file holds a malformed key") from exc
    documents = parsed.get("documents")
    exported = parsed.get("exported_at", "")
    try:
        exported_at = dt.datetime.fromisoformat(exported) if exported else None
    except ValueError:
        exported_at = None
    return {"keys": keys, "documents": documents if isinstance(documents, dict) else None, "exported_at": exported_at}


def node_blocks_and_keys(office) -> dict:
    """What the pull carries to `office`'s node: its number blocks and the published keys."""
    from .numbers import ensure_node_blocks

    blocks = sorted(ensure_node_blocks(office), key=lambda b: (b.series, b.first))
    return {
        "blocks": [{"id": str(b.pk), "series": b.series, "scope": b.scope, "office": office.code, "first": b.first, "last": b.last} for b in blocks],
        "keys": key_list(with_register=False)["keys"],
    }


def apply_on_node(data: dict, offices: dict) -> dict:
    """Store the blocks and keys of a pull on the node (idempotent)."""
    from adminduk.offices.models import Office

    if not data:
        return {}
    for row in data.get("blocks", []):
        office = offices.get(row["office"]) or Office.objects.get(code=row["office"])
        NumberBlock.objects.update_or_create(
            pk=row["id"], defaults={"series": row["series"], "scope": row["scope"], "office": office, "holder": NumberBlock.Holder.NODE,
                                    "first": row["first"], "last": row["last"]},
        )
    for row in data.get("keys", []):
        office = (offices.get(row["office"]) or Office.objects.filter(code=row["office"]).first()) if row["office"] else None
        revoked_at = dt.datetime.fromisoformat(row["revoked_at"]) if row["revoked_at"] else None
        SigningKey.objects.update_or_create(
            key_id=row["key_id"], defaults={"public_key": row["public_key"], "role": row["role"], "office": office, "revoked_at": revoked_at},
        )
    clear_cache()
    return {"number_blocks": len(data.get("blocks", [])), "document_keys": len(data.get("keys", []))}
