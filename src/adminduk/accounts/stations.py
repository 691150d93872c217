"""Station keys: each recording station or node signs with its own Ed25519 key; the central
registers the public key and can revoke it. `verify_signed` is what sync uses to accept a packet."""

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record

from .models import Station


class StationRejected(Exception):
    """A signed message that must not be accepted; `reason` says why, for the sender's log.
    `verified` is True only when the signature was made by the station's own registered key, so
    the refusal may name the station: otherwise the sender is nobody in particular."""

    def __init__(self, code: str, reason: str, *, verified: bool = False):
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.verified = verified


@dataclass(frozen=True)
class KeyPair:
    private_pem: bytes
    public_b64: str


def generate_keypair() -> KeyPair:
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return KeyPair(pem, base64.b64encode(public).decode())


def write_keypair(directory: Path, name: str = "station") -> KeyPair:
    """Create `name.key` (owner-only) and `name.pub` in `directory`; never overwrites a key."""
    directory.mkdir(parents=True, exist_ok=True)
    private_path, public_path = directory / f"{name}.key", directory / f"{name}.pub"
    if private_path.exists():
        raise FileExistsError(f"{private_path} exists; a station key is never overwritten")
    pair = generate_keypair()
    private_path.touch(mode=0o600)
    private_path.write_bytes(pair.private_pem)
    public_path.write_text(pair.public_b64 + "\n")
    return pair


def load_private_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def sign(private_key: Ed25519PrivateKey, message: bytes) -> bytes:
    return private_key.sign(message)


def decode_public_key(public_b64: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(public_b64.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, TypeError) as exc:
        raise ValidationError({"public_key": _("Not an Ed25519 public key in base64 (32 bytes).")}) from exc


def fingerprint(public_b64: str) -> str:
    return hashlib.sha256(base64.b64decode(public_b64.strip())).hexdigest()


@transaction.atomic
def register_station(*, office, name: str, kind: str, public_key: str, actor=None) -> Station:
    public_key = public_key.strip()
    decode_public_key(public_key)
    if not name.strip():
        raise ValidationError({"name": _("A station needs a name.")})
    if kind not in Station.Kind.values:
        raise ValidationError({"kind": _("Unknown station kind %(kind)r.") % {"kind": kind}})
    if Station.objects.filter(public_key=public_key).exists():
        raise ValidationError({"public_key": _("This key is already registered; every station has its own key.")})
    if Station.objects.filter(office=office, name=name.strip()).exists():
        raise ValidationError({"name": _("This office already has a station with that name.")})
    station = Station.objects.create(
        office=office, name=name.strip(), kind=kind, public_key=public_key, fingerprint=fingerprint(public_key), registered_by=actor
    )
    record(None, "create", actor=actor, object_type="station", object_id=str(station.pk), details={"office": office.code, "name": station.name})
    return station


@transaction.atomic
def revoke_station(station: Station, *, reason: str, actor=None) -> Station:
    if not reason.strip():
        raise ValidationError({"revocation_reason": _("Say why the station is revoked.")})
    station = Station.objects.select_for_update().get(pk=station.pk)
    if station.is_revoked:
        raise ValidationError(_("This station was already revoked on %(at)s.") % {"at": station.revoked_at.isoformat()})
    station.revoked_at, station.revoked_by, station.revocation_reason = timezone.now(), actor, reason.strip()
    station.save(update_fields=["revoked_at", "revoked_by", "revocation_reason", "updated_at"])
    record(None, "update", actor=actor, object_type="station", object_id=str(station.pk), details={"revoked": reason.strip()})
    return station


def refusal_for(station: Station | None, station_id) -> StationRejected | None:
    """Why anything signed by `station` (looked up by `station_id`) is refused before its
    signature is even checked: unknown or revoked. None when it may be verified."""
    if station is None:
        return StationRejected("unknown_station", f"station {station_id} is not registered at the central")
    if station.is_revoked:
        return StationRejected("revoked_station", f"station {station.name} was revoked: {station.revocation_reason}")
    return None


def verify_signed(station_id, message: bytes, signature: bytes) -> Station:
    """The registered, unrevoked station whose key signed `message`, or StationRejected. The
    signature is checked before the revocation, so only the holder of a revoked key learns that
    (and why) it was revoked; a forged signature claiming a revoked station is a bad signature."""
    station = Station.objects.select_related("office").filter(pk=station_id).first()
    if station is None:
        raise StationRejected("unknown_station", f"station {station_id} is not registered at the central")
    try:
        decode_public_key(station.public_key).verify(signature, message)
    except InvalidSignature as exc:
        raise StationRejected("bad_signature", f"signature does not match the key of station {station.name}") from exc
    refusal = refusal_for(station, station_id)
    if refusal is not None:
        refusal.verified = True
        raise refusal
    return station
