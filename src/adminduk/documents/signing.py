"""Signed verification tokens for printed documents: an Ed25519 signature (the issuing
installation's document key) over the document's id and number, carried in the QR code as a
URL. The token says which document; the page shows whether it is still active."""

import base64
import json
import uuid
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_FILE = "documents-ed25519.key"


class BadToken(ValueError):
    pass


def _key_path() -> Path:
    from adminduk.enrollment.sealing import key_dir

    return key_dir() / KEY_FILE


def signing_key() -> Ed25519PrivateKey:
    """Created on first use in demo and test mode; a production central is given its key."""
    path = _key_path()
    if not path.exists():
        if settings.MODE not in ("demo", "test"):
            raise ImproperlyConfigured(f"no document signing key at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        path.touch(mode=0o600)
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 key")
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_for(document) -> str:
    payload = json.dumps({"d": str(document.pk), "n": document.number, "k": document.kind}, separators=(",", ":"), sort_keys=True).encode()
    return f"{_b64(payload)}.{_b64(signing_key().sign(payload))}"


def verify(token: str) -> dict:
    """The signed payload of `token`; BadToken if it was not signed by this installation."""
    try:
        head, signature = (token or "").strip().split(".")
        payload = _unb64(head)
        signing_key().public_key().verify(_unb64(signature), payload)
        data = json.loads(payload)
        uuid.UUID(data["d"])
        return data
    except (ValueError, KeyError, TypeError, InvalidSignature) as exc:
        raise BadToken("this code was not issued by this Dinas or was altered") from exc
