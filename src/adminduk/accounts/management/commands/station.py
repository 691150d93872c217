from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from adminduk.accounts import stations
from adminduk.accounts.models import Station
from adminduk.offices.models import Office


class Command(BaseCommand):
    help = (
        "Station keys. On a node: `adminduk station keygen`. At the central: "
        "`adminduk station register --office CODE --name NAME --public-key FILE`, "
        "`adminduk station revoke ID --reason TEXT`, `adminduk station list`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        keygen = sub.add_parser("keygen", help="create this station's key pair")
        keygen.add_argument("--dir", type=Path, default=None, help="default: ADMINDUK_DATA_DIR/keys")
        register = sub.add_parser("register", help="register a station's public key")
        register.add_argument("--office", required=True, help="office code, e.g. palu-mantikulore")
        register.add_argument("--name", required=True)
        register.add_argument("--kind", default=Station.Kind.RECORDING_STATION, choices=Station.Kind.values)
        register.add_argument("--public-key", required=True, type=Path, help="file with the base64 public key")
        revoke = sub.add_parser("revoke", help="revoke a station; its packets are refused from now on")
        revoke.add_argument("station_id")
        revoke.add_argument("--reason", required=True)
        sub.add_parser("list", help="list registered stations")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"handle_{action}")(**options)
        except (ValidationError, OSError, ValueError) as exc:
            message = "; ".join(sum(exc.message_dict.values(), [])) if hasattr(exc, "message_dict") else str(exc)
            raise CommandError(message) from exc

    def handle_keygen(self, dir, **options):
        directory = dir or settings.DATA_DIR / "keys"
        pair = stations.write_keypair(directory)
        self.stdout.write(f"Private key: {directory / 'station.key'} (keep it on this machine)\nPublic key:  {pair.public_b64}")

    def handle_register(self, office, name, kind, public_key, **options):
        office_obj = Office.objects.filter(code=office).first()
        if office_obj is None:
            raise CommandError(f"no office with code {office!r}")
        station = stations.register_station(office=office_obj, name=name, kind=kind, public_key=public_key.read_text())
        self.stdout.write(self.style.SUCCESS(f"Registered station {station.pk} ({station.name}, {office_obj.name})"))

    def handle_revoke(self, station_id, reason, **options):
        station = Station.objects.filter(pk=station_id).first() if _is_uuid(station_id) else None
        if station is None:
            raise CommandError(f"no station {station_id}")
        stations.revoke_station(station, reason=reason)
        self.stdout.write(self.style.SUCCESS(f"Revoked station {station.name}"))

    def handle_list(self, **options):
        for station in Station.objects.select_related("office"):
            state = f"REVOKED {station.revoked_at:%Y-%m-%d}" if station.is_revoked else "active"
            self.stdout.write(f"{station.pk}  {station.office.code:<24} {station.name:<20} {station.kind:<18} {state}")


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
