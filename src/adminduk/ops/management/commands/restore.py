from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from adminduk.ops import backup
from adminduk.ops.passphrase import read_passphrase


class Command(BaseCommand):
    help = (
        "Restore a node from a file written by `adminduk backup`: database, keys and env file. Stop the node's "
        "services first. Afterwards its outbox re-sends what the central may lack; the central recognises what it has."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file")
        parser.add_argument("--passphrase-file", help="file whose first line is the passphrase (else ADMINDUK_BACKUP_PASSPHRASE or a prompt)")
        parser.add_argument("--force", action="store_true", help="replace a database with data and differing key files")

    def handle(self, *args, file, passphrase_file, force, **options):
        try:
            manifest = backup.restore_backup(Path(file), read_passphrase(passphrase_file, confirm=False), force=force)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} (station {manifest['station_id'] or '-'}, "
            f"{len(manifest['keys'])} key files). Run `adminduk migrate`, then start the node: its outbox re-sends "
            "what the central may lack."
        )
