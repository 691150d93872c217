from django.core.management.base import BaseCommand, CommandError

from adminduk.ops import releases


class Command(BaseCommand):
    help = "Release bookkeeping: `adminduk release record VERSION` writes each app's last migration for the upgrade test."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        record = sub.add_parser("record", help="record this code's migrations as release VERSION")
        record.add_argument("version", help="MAJOR.MINOR.PATCH, as in pyproject.toml")
        sub.add_parser("list", help="the recorded releases")

    def handle(self, *args, action, **options):
        if action == "list":
            for version in releases.recorded_versions():
                self.stdout.write(version)
            return
        try:
            path = releases.record_release(options["version"])
        except (ValueError, FileExistsError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Recorded {path}; commit it, then tag the commit v{options['version']} (README, Releases).")
