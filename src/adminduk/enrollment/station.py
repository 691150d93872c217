"""The recording station's identity: its registered Station row and its Ed25519 private key,
which signs every packet.

Production: ADMINDUK_STATION_ID names the Station registered for this machine, and its key is
ADMINDUK_KEY_DIR/station.key (`adminduk` station set-up writes both). Demo and test mode
without a configured station: a key per office is created in the key directory and registered
as a local recording station, so the whole flow runs on one machine.
"""

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from adminduk.accounts import stations
from adminduk.accounts.models import Station

from .sealing import key_dir

STATION_KEY_FILE = "station.key"


@dataclass(frozen=True)
class StationIdentity:
    station: Station
    private_key: Ed25519PrivateKey


def _public_b64(private_key: Ed25519PrivateKey) -> str:
    import base64

    from cryptography.hazmat.primitives import serialization

    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def current_station(office) -> StationIdentity:
    """The station recording at `office`; ImproperlyConfigured says what is missing."""
    configured = getattr(settings, "ADMINDUK_STATION_ID", "")
    if configured:
        station = Station.objects.select_related("office").filter(pk=configured).first()
        if station is None:
            raise ImproperlyConfigured(f"ADMINDUK_STATION_ID {configured} is not a registered station")
        path = key_dir() / STATION_KEY_FILE
        if not path.exists():
            raise ImproperlyConfigured(f"no station key at {path}")
        key = stations.load_private_key(path)
        if _public_b64(key) != station.public_key:
            raise ImproperlyConfigured(f"{path} does not match the key registered for station {station.name}")
        return StationIdentity(station, key)
    if settings.MODE not in ("demo", "test"):
        raise ImproperlyConfigured("set ADMINDUK_STATION_ID and put the station's key in ADMINDUK_KEY_DIR/station.key")
    return _local_station(office)


@transaction.atomic
def _local_station(office) -> StationIdentity:
    name = f"station-{office.code}"
    path = Path(key_dir()) / f"{name}.key"
    if not path.exists():
        stations.write_keypair(path.parent, name)
    key = stations.load_private_key(path)
    public = _public_b64(key)
    station = Station.objects.select_related("office").filter(public_key=public).first()
    if station is None:
        station = stations.register_station(office=office, name=f"Perekaman {office.code}", kind=Station.Kind.RECORDING_STATION, public_key=public)
    if station.office_id != office.pk or station.is_revoked:
        raise ImproperlyConfigured(f"the local station key {path} belongs to another office or was revoked")
    return StationIdentity(station, key)
