from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from adminduk.ops import backup
from adminduk.ops.passphrase import read_passphrase


class Command(BaseCommand):
    help = (
        "Back up this node: its SQLite database (online, while it keeps working), its key directory and env file, "
        "encrypted with a passphrase into one file. A PostgreSQL central uses pg_dump and WAL archiving instead."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="backup file to write (default DATA_DIR/backups/adminduk-<time>.backup)")
        parser.add_argument("--passphrase-file", help="file whose first line is the passphrase (else ADMINDUK_BACKUP_PASSPHRASE or a prompt)")

    def handle(self, *args, output, passphrase_file, **options):
        from django.conf import settings

        if output is None:
            directory = Path(settings.DATA_DIR) / "backups"
            directory.mkdir(parents=True, exist_ok=True)
            output = directory / f"adminduk-{settings.ROLE}-{timezone.now():%Y%m%dT%H%M%SZ}.backup"
        if Path(output).exists():
            raise CommandError(f"{output} exists already; choose another file name")
        try:
            manifest = backup.create_backup(Path(output), read_passphrase(passphrase_file, confirm=True))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = Path(output).stat().st_size
        self.stdout.write(
            f"Backup written: {output} ({size:,} bytes; database, {len(manifest['keys'])} key files"
            f"{', env file' if manifest['env_file'] else ''}; station {manifest['station_id'] or '-'})"
        )
