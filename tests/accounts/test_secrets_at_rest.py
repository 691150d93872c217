"""TOTP secrets are stored sealed under a key file outside the database (issue 9, item 10)."""

import stat
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from adminduk.accounts import totp_keys

pytestmark = [pytest.mark.django_db]
SECRET = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, in hex


def stored_key(device) -> str:
    """The `key` column as the database holds it (no model code in between)."""
    with connection.cursor() as cursor:
        cursor.execute('SELECT "key" FROM otp_totp_totpdevice WHERE id = %s', [device.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def device(make_staff):
    user = make_staff("kecamatan_operator", offices=("72.71.08",), username="op.rahasia")
    device = TOTPDevice.objects.get(user=user)
    device.key = SECRET
    device.save()
    return device


def test_the_database_holds_no_usable_secret(device):
    raw = stored_key(device)
    assert raw != SECRET and SECRET not in raw
    assert bytes.fromhex(SECRET) not in bytes.fromhex(raw)
    assert raw.startswith(totp_keys.PREFIX) and len(raw) <= 80
    assert TOTPDevice.objects.get(pk=device.pk).bin_key == bytes.fromhex(SECRET)


def test_the_sealing_key_is_an_owner_only_file_outside_the_database(device):
    path = totp_keys.key_path()
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0


def test_another_installations_key_cannot_open_it(device, settings, tmp_path):
    raw = stored_key(device)
    settings.ADMINDUK_KEY_DIR = str(tmp_path / "other-keys")
    assert not totp_keys.is_sealed(raw)
    assert TOTPDevice.objects.get(pk=device.pk).bin_key != bytes.fromhex(SECRET)


def test_login_codes_still_verify(client, device):
    from tests.accounts.test_login import login

    totp = TOTP(bytes.fromhex(SECRET), device.step, device.t0, device.digits, device.drift)
    response = login(client, "op.rahasia", otp_token=f"{totp.token():06d}")
    assert response.status_code == 302


def test_saving_again_keeps_one_sealing(device):
    once = stored_key(device)
    TOTPDevice.objects.get(pk=device.pk).save()
    assert stored_key(device) == once


def test_existing_plain_secrets_are_sealed_by_the_migration(device):
    from importlib import import_module

    from django.apps import apps

    TOTPDevice.objects.filter(pk=device.pk).update(key=SECRET)  # as stored before this version
    assert stored_key(device) == SECRET
    migration = import_module("adminduk.accounts.migrations.0003_seal_totp_secrets")
    editor = SimpleNamespace(connection=connection)
    migration.seal_existing(apps, editor)
    assert totp_keys.is_sealed(stored_key(device))
    assert TOTPDevice.objects.get(pk=device.pk).bin_key == bytes.fromhex(SECRET)
    migration.open_again(apps, editor)
    assert stored_key(device) == SECRET


def test_totp_command_prints_the_current_code(device, capsys):
    call_command("totp", "op.rahasia")
    totp = TOTP(bytes.fromhex(SECRET), device.step, device.t0, device.digits, device.drift)
    assert capsys.readouterr().out.strip() in {f"{totp.token():06d}"}


def test_a_node_seals_pulled_secrets_under_its_own_key(device, settings, tmp_path, make_office):
    """The pull carries the secret inside the signed channel; the node stores it sealed under
    its own key, never the central's sealed form and never plain."""
    from adminduk.sync import changes
    from adminduk.sync.models import NodeState

    central_raw = stored_key(device)
    snapshot = changes.master_snapshot(make_office("72.71.08"))
    assert snapshot["users"][0]["totp"][0]["key"] == SECRET
    settings.ADMINDUK_KEY_DIR = str(tmp_path / "node-keys")  # the node's own key directory
    TOTPDevice.objects.filter(pk=device.pk).delete()
    NodeState.objects.get_or_create(pk=1)
    changes.apply_page({"cursor": "c1", "residents": [], "master": snapshot, "master_digest": changes.digest_of(snapshot)})
    pulled = TOTPDevice.objects.get(user__username="op.rahasia")
    node_raw = stored_key(pulled)
    assert node_raw not in (SECRET, central_raw)
    assert (tmp_path / "node-keys" / totp_keys.KEY_FILE).exists()
    assert pulled.bin_key == bytes.fromhex(SECRET)
