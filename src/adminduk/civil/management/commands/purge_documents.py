"""`adminduk purge_documents [--days N] [--dry-run]`: delete the content of uploaded application
documents whose application was decided more than N days ago (default
ADMINDUK_CIVIL_DOCUMENT_RETENTION_DAYS); each deletion is audited."""

from django.core.management.base import BaseCommand, CommandError

from adminduk.civil.retention import purge_documents


class Command(BaseCommand):
    help = "Delete uploaded application documents past the retention period (audited)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="retention period in days (default: ADMINDUK_CIVIL_DOCUMENT_RETENTION_DAYS)")
        parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")

    def handle(self, *args, days=None, dry_run=False, **options):
        if days is not None and not 0 <= days <= 36500:
            raise CommandError("--days must be a whole number from 0 to 36500")
        result = purge_documents(days=days, dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {result.deleted} document(s) of applications decided before {result.cutoff:%Y-%m-%d %H:%M} UTC ({result.days} days)")
