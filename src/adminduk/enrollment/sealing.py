"""Sealing data to the central server: X25519 key agreement, HKDF-SHA256 and AES-256-GCM (the
shape of HPKE's base mode), from the `cryptography` package.

A node seals every biometric capture the moment it is taken, so nothing it stores can be read
back without the central's private key, which never leaves the central.

Sealed layout: ephemeral public key (32 bytes) | nonce (12) | ciphertext with GCM tag (16).
"""

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

INFO = b"adminduk-seal-v1"
OVERHEAD = 32 + 12 + 16
PRIVATE_KEY_FILE = "central-x25519.key"
PUBLIC_KEY_FILE = "central-x25519.pub"


class SealError(ValueError):
    """Sealed data that cannot be opened: wrong key, altered bytes or wrong context."""


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _derive(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + recipient_public, info=INFO).derive(shared)


def seal(plaintext: bytes, recipient: X25519PublicKey, aad: bytes = b"") -> bytes:
    """Encrypt `plaintext` so only the holder of `recipient`'s private key can read it. `aad`
    binds the sealed bytes to their context (e.g. the packet id): opened elsewhere, they fail."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw_public(ephemeral.public_key())
    key = _derive(ephemeral.exchange(recipient), ephemeral_public, _raw_public(recipient))
    nonce = os.urandom(12)
    return ephemeral_public + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(sealed: bytes, private_key: X25519PrivateKey, aad: bytes = b"") -> bytes:
    if len(sealed) < OVERHEAD:
        raise SealError("sealed data is shorter than its header")
    ephemeral_public, nonce, ciphertext = sealed[:32], sealed[32:44], sealed[44:]
    try:
        shared = private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _derive(shared, ephemeral_public, _raw_public(private_key.public_key()))
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except (InvalidTag, ValueError) as exc:
        raise SealError("sealed data was altered, or sealed for another key or context") from exc


# --- The central's key pair ---------------------------------------------------------------


def public_key_b64(key: X25519PublicKey) -> str:
    return base64.b64encode(_raw_public(key)).decode()


def decode_public_key(value: str) -> X25519PublicKey:
    try:
        return X25519PublicKey.from_public_bytes(base64.b64decode(value.strip(), validate=True))
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("the central's public key must be 32 bytes of X25519 in base64") from exc


def key_dir() -> Path:
    return Path(getattr(settings, "ADMINDUK_KEY_DIR", "") or settings.DATA_DIR / "keys")


def central_private_key(*, create: bool | None = None) -> X25519PrivateKey:
    """The central's private key, from ADMINDUK_KEY_DIR/central-x25519.key. It is created on
    first use in demo and test mode only; a production central is given its key by the operator
    (`adminduk central keygen`)."""
    path = key_dir() / PRIVATE_KEY_FILE
    if not path.exists():
        if create is None:
            create = settings.MODE in ("demo", "test")
        if not create:
            raise ImproperlyConfigured(f"no central key at {path}; run `adminduk central keygen`")
        write_central_keypair()
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, X25519PrivateKey):
        raise ImproperlyConfigured(f"{path} is not an X25519 private key")
    return key


def write_central_keypair() -> X25519PublicKey:
    directory = key_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / PRIVATE_KEY_FILE
    if path.exists():
        raise FileExistsError(f"{path} exists; the central key is never overwritten")
    private = X25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # Created owner-only before the key is written, so it is never readable by others.
    path.touch(mode=0o600)
    path.write_bytes(pem)
    (directory / PUBLIC_KEY_FILE).write_text(public_key_b64(private.public_key()) + "\n")
    return private.public_key()


def central_public_key() -> X25519PublicKey:
    """What a node seals to: ADMINDUK_CENTRAL_PUBLIC_KEY (base64), else the .pub file in the key
    directory (a node is given it at set-up; on the central it sits beside the private key)."""
    configured = getattr(settings, "ADMINDUK_CENTRAL_PUBLIC_KEY", "")
    if configured:
        return decode_public_key(configured)
    path = key_dir() / PUBLIC_KEY_FILE
    if path.exists():
        return decode_public_key(path.read_text())
    if settings.ROLE == "central":
        return central_private_key().public_key()
    raise ImproperlyConfigured("set ADMINDUK_CENTRAL_PUBLIC_KEY to the central's public key (base64)")
