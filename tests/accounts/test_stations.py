"""Station keys: registration, signatures, revocation."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from adminduk.accounts import stations
from adminduk.accounts.models import Station

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(make_office):
    return make_office("72.71.08")


def test_register_sign_verify_and_revoke(office, tmp_path):
    pair = stations.write_keypair(tmp_path)
    assert oct((tmp_path / "station.key").stat().st_mode)[-3:] == "600"
    station = stations.register_station(office=office, name="PEREKAMAN-1", kind="recording_station", public_key=pair.public_b64)
    private = stations.load_private_key(tmp_path / "station.key")
    message = b"packet 6f1c"
    signature = stations.sign(private, message)
    assert stations.verify_signed(station.pk, message, signature) == station
    with pytest.raises(stations.StationRejected) as bad:
        stations.verify_signed(station.pk, b"packet 6f1d", signature)
    assert bad.value.code == "bad_signature"
    stations.revoke_station(station, reason="laptop stolen")
    with pytest.raises(stations.StationRejected) as revoked:
        stations.verify_signed(station.pk, message, signature)
    assert revoked.value.code == "revoked_station" and "laptop stolen" in revoked.value.reason


def test_unknown_station_is_rejected():
    import uuid

    with pytest.raises(stations.StationRejected) as error:
        stations.verify_signed(uuid.uuid4(), b"x", b"y" * 64)
    assert error.value.code == "unknown_station"


@pytest.mark.parametrize("key", ["", "not base64!", "c2hvcnQ=", "A" * 44])
def test_bad_public_key_is_refused(office, key):
    with pytest.raises(ValidationError):
        stations.register_station(office=office, name="X", kind="recording_station", public_key=key)
    assert not Station.objects.exists()


def test_same_key_twice_is_refused(office):
    key = stations.generate_keypair().public_b64
    stations.register_station(office=office, name="A", kind="node", public_key=key)
    with pytest.raises(ValidationError):
        stations.register_station(office=office, name="B", kind="node", public_key=key)
    assert Station.objects.count() == 1


def test_revocation_needs_reason_and_happens_once(office):
    station = stations.register_station(office=office, name="A", kind="node", public_key=stations.generate_keypair().public_b64)
    with pytest.raises(ValidationError):
        stations.revoke_station(station, reason="  ")
    stations.revoke_station(station, reason="decommissioned")
    with pytest.raises(ValidationError):
        stations.revoke_station(station, reason="again")


def test_station_command(office, tmp_path, capsys):
    call_command("station", "keygen", "--dir", str(tmp_path))
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("station", "keygen", "--dir", str(tmp_path))
    call_command("station", "register", "--office", office.code, "--name", "NODE-1", "--kind", "node", "--public-key", str(tmp_path / "station.pub"))
    station = Station.objects.get()
    call_command("station", "revoke", str(station.pk), "--reason", "test")
    call_command("station", "list")
    assert "REVOKED" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no office"):
        call_command("station", "register", "--office", "nowhere", "--name", "N", "--public-key", str(tmp_path / "station.pub"))
    with pytest.raises(CommandError, match="no station"):
        call_command("station", "revoke", "not-a-uuid", "--reason", "x")
