"""What a print job carries for the card (the photo, the signature and the chip's fingerprint
templates) sealed at rest, as the project seals its other secrets.

A job's media are one AES-256-GCM box under a key of this installation kept outside the
database (ADMINDUK_KEY_DIR/print-media.key, created 0600 on first use): the central and every
node have their own, and a node seals what it pulls under its own key. The job's id is the
associated data, so a box copied onto another job does not open. A copy of the database alone
(a backup, a stolen node disk without the key directory) holds no photo, signature or template.

Layout: version byte (1) | nonce (12) | ciphertext of a JSON object with GCM tag (16)."""

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adminduk.core.keyfiles import load_or_create_key

KEY_FILE = "print-media.key"
VERSION = b"\x01"

_ciphers: dict[str, AESGCM] = {}


class MediaError(ValueError):
    """Sealed media that do not open under this installation's key (another key, altered bytes)."""


def _cipher() -> AESGCM:
    from adminduk.enrollment.sealing import key_dir

    path = key_dir() / KEY_FILE
    cipher = _ciphers.get(str(path))
    if cipher is not None:
        return cipher
    key = load_or_create_key(path, length=32, what="print media key", generate=lambda: AESGCM.generate_key(256))
    cipher = _ciphers[str(path)] = AESGCM(key)
    return cipher


def seal(job_id, *, photo: bytes = b"", signature: bytes = b"", chip_templates: dict | None = None) -> bytes:
    plain = json.dumps({"photo": base64.b64encode(bytes(photo or b"")).decode(), "signature": base64.b64encode(bytes(signature or b"")).decode(),
                        "chip_templates": chip_templates or {}}, sort_keys=True).encode()
    nonce = os.urandom(12)
    return VERSION + nonce + _cipher().encrypt(nonce, plain, str(job_id).encode())


def open_sealed(job_id, sealed: bytes) -> dict:
    """{"photo": bytes, "signature": bytes, "chip_templates": dict}; empty for a job without media."""
    sealed = bytes(sealed or b"")
    if not sealed:
        return {"photo": b"", "signature": b"", "chip_templates": {}}
    if sealed[:1] != VERSION or len(sealed) < 1 + 12 + 16:
        raise MediaError("not sealed print media")
    try:
        data = json.loads(_cipher().decrypt(sealed[1:13], sealed[13:], str(job_id).encode()))
    except InvalidTag as exc:
        raise MediaError("the print media do not open under this installation's key") from exc
    return {"photo": base64.b64decode(data["photo"]), "signature": base64.b64decode(data["signature"]), "chip_templates": data["chip_templates"]}
