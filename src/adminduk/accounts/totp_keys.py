"""TOTP secrets at rest: sealed under a key kept outside the database.

django-otp's TOTPDevice keeps its secret in `key` as hex. adminduk stores there, instead, the
secret sealed with AES-SIV (authenticated, deterministic, so it fits the 80-character hex column:
"a1" + hex(16-byte SIV + secret), 74 characters for django-otp's 20-byte secrets) under a
512-bit key in ADMINDUK_KEY_DIR/totp-sealing.key (created 0600 on first use). Each installation
has its own key: the central and every node; a node seals the secrets it pulls under its own.

Two hooks make every django-otp path (login, admin, middleware, `adminduk totp`) work on sealed
secrets without a fork of its model: a pre_save receiver seals any plain secret before it is
written, and TOTPDevice.bin_key (the one place django-otp reads the secret) opens it. A copy of
the database alone (a backup, a stolen node disk image without the key directory) holds no
usable secret. Losing the key file means staff need new TOTP devices.
"""

from binascii import unhexlify
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from django.conf import settings
from django.core.exceptions import ValidationError

from adminduk.core.keyfiles import load_or_create_key

KEY_FILE = "totp-sealing.key"
PREFIX = "a1"  # format version 1
ASSOCIATED_DATA = b"adminduk totp secret v1"
MAX_SECRET_BYTES = (80 - len(PREFIX)) // 2 - 16  # what still fits the 80-character column

_ciphers: dict[str, AESSIV] = {}


def key_path() -> Path:
    return Path(getattr(settings, "ADMINDUK_KEY_DIR", "") or Path(settings.DATA_DIR) / "keys") / KEY_FILE


def _cipher() -> AESSIV:
    path = key_path()
    cipher = _ciphers.get(str(path))
    if cipher is None:
        cipher = _ciphers[str(path)] = AESSIV(load_or_create_key(path, length=64, what="TOTP sealing key", generate=lambda: AESSIV.generate_key(512)))
    return cipher


def _open(value: str) -> bytes | None:
    """The secret inside a sealed value, or None when `value` is not sealed under our key."""
    if not value.startswith(PREFIX) or len(value) <= len(PREFIX) + 32:
        return None
    try:
        return _cipher().decrypt(bytes.fromhex(value[len(PREFIX):]), [ASSOCIATED_DATA])
    except (ValueError, InvalidTag):
        return None


def is_sealed(value: str) -> bool:
    return _open(value) is not None


def seal(hex_secret: str) -> str:
    secret = bytes.fromhex(hex_secret)
    if len(secret) > MAX_SECRET_BYTES:
        raise ValidationError(f"a TOTP secret may have at most {MAX_SECRET_BYTES} bytes")
    return PREFIX + _cipher().encrypt(secret, [ASSOCIATED_DATA]).hex()


def secret_of(value: str) -> bytes:
    """The binary secret of a stored `key`: opened when sealed, a legacy plain hex otherwise."""
    secret = _open(value)
    return secret if secret is not None else unhexlify(value.encode())


def plain_hex(value: str) -> str:
    return secret_of(value).hex()


def seal_before_save(sender, instance, **kwargs):
    """pre_save of TOTPDevice: whatever hex secret was set is written sealed."""
    if instance.key and not is_sealed(instance.key):
        instance.key = seal(instance.key)


def install() -> None:
    """Called once from AccountsConfig.ready()."""
    from django.db.models.signals import pre_save
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.bin_key = property(lambda device: secret_of(device.key), doc="The secret, opened from its sealed form.")
    pre_save.connect(seal_before_save, sender=TOTPDevice, dispatch_uid="adminduk-seal-totp-secret")
