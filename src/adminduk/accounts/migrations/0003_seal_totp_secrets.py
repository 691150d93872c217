"""Seal the TOTP secrets already stored in plain hex (accounts/totp_keys.py); reversible."""

from django.db import migrations


def seal_existing(apps, schema_editor):
    from adminduk.accounts import totp_keys

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.using(schema_editor.connection.alias).only("pk", "key").iterator():
        if device.key and not totp_keys.is_sealed(device.key):
            TOTPDevice.objects.using(schema_editor.connection.alias).filter(pk=device.pk).update(key=totp_keys.seal(device.key))


def open_again(apps, schema_editor):
    from adminduk.accounts import totp_keys

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.using(schema_editor.connection.alias).only("pk", "key").iterator():
        if device.key and totp_keys.is_sealed(device.key):
            TOTPDevice.objects.using(schema_editor.connection.alias).filter(pk=device.pk).update(key=totp_keys.plain_hex(device.key))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(seal_existing, open_again, elidable=False)]
