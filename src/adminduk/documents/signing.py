"""Signed verification tokens for printed documents.

Each installation (the central, every node) signs with its own Ed25519 document key, created
on first use in its key directory. The token in the QR code is

    <key id>.<base64url payload>.<base64url signature>

where the payload is compact JSON {"k": kind, "n": number, "v": version, "h": SHA-256 of the
document's content} and the signature is over those payload bytes. The key id (16 hex digits
of the SHA-256 of the raw public key) names the key in the published key list, so anyone
holding that list can check a token without asking the central."""

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_FILE = "documents-ed25519.key"
EMPTY_HASH = hashlib.sha256(b"").hexdigest()  # documents recorded without content (early suket)
TOKEN_SHAPE = re.compile(r"^[0-9a-f]{16}\.[A-Za-z0-9_-]{10,400}\.[A-Za-z0-9_-]{86}$")


class BadToken(ValueError):
    pass


@dataclass(frozen=True)
class TokenClaims:
    key_id: str
    kind: str
    number: str
    version: int
    content_hash: str  # hex


def key_path() -> Path:
    from adminduk.enrollment.sealing import key_dir

    return key_dir() / KEY_FILE


_loaded: dict[str, Ed25519PrivateKey] = {}


def signing_key() -> Ed25519PrivateKey:
    """This installation's document key. Created on first use on a node (which registers its
    public key at the central through its signed channel) and in demo and test mode; a
    production central is given its key."""
    path = key_path()
    cached = _loaded.get(str(path))
    if cached is not None and path.exists():
        return cached
    if not path.exists():
        if settings.MODE not in ("demo", "test") and settings.ROLE != "node":
            raise ImproperlyConfigured(f"no document signing key at {path}; run `adminduk central keygen`")
        create_signing_key()
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 key")
    _loaded[str(path)] = key
    return key


def create_signing_key() -> Path | None:
    """Create this installation's document key, owner-only, unless it exists (`adminduk central
    keygen`, and first use on a node or in the demo). Returns its path when it was created."""
    path = key_path()
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    path.touch(mode=0o600)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return path


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(raw_public(key)).decode()


def key_id_of(public_key_b64: str) -> str:
    return hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()[:16]


def decode_public(public_key_b64: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64.strip(), validate=True))
    except (ValueError, TypeError) as exc:
        raise ValueError("not an Ed25519 public key in base64 (32 bytes)") from exc


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def content_hash(content_bytes: bytes) -> str:
    return hashlib.sha256(content_bytes).hexdigest()


def sign_claims(private_key: Ed25519PrivateKey, *, kind: str, number: str, version: int, content_hash_hex: str) -> str:
    payload = json.dumps({"k": kind, "n": number, "v": int(version), "h": b64(bytes.fromhex(content_hash_hex))},
                         separators=(",", ":"), sort_keys=True).encode()
    return f"{key_id_of(public_b64(private_key.public_key()))}.{b64(payload)}.{b64(private_key.sign(payload))}"


def token_for(document) -> str:
    """The token printed in `document`'s QR code, signed with this installation's key."""
    return sign_claims(signing_key(), kind=document.kind, number=document.number, version=document.version,
                       content_hash_hex=document.content_hash or EMPTY_HASH)


def parse(token: str) -> tuple[str, bytes, bytes, TokenClaims]:
    """Split a token and decode its claims, without checking the signature (BadToken if malformed)."""
    token = (token or "").strip()
    if not TOKEN_SHAPE.match(token):
        raise BadToken("this is not a document code")
    key_id, head, signature = token.split(".")
    try:
        payload = unb64(head)
        data = json.loads(payload)
        claims = TokenClaims(key_id, str(data["k"]), str(data["n"]), int(data["v"]), unb64(str(data["h"])).hex())
    except (ValueError, KeyError, TypeError) as exc:
        raise BadToken("this document code is damaged") from exc
    if len(claims.content_hash) != 64 or not claims.number or len(claims.number) > 40:
        raise BadToken("this document code is damaged")
    return key_id, payload, unb64(signature), claims


def check(token: str, public_key: Ed25519PublicKey) -> TokenClaims:
    """The claims of `token` if `public_key` signed them, else BadToken."""
    _key_id, payload, signature, claims = parse(token)
    return check_parsed(payload, signature, claims, public_key)


def check_parsed(payload: bytes, signature: bytes, claims: TokenClaims, public_key: Ed25519PublicKey) -> TokenClaims:
    """check() for a token already split by parse()."""
    try:
        public_key.verify(signature, payload)
    except InvalidSignature as exc:
        raise BadToken("this code was not signed by the key it names, or it was altered") from exc
    return claims
