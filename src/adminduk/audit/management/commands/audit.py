import sys

from django.core.management.base import BaseCommand

from adminduk.audit.actions import check_chain


class Command(BaseCommand):
    help = (
        "The audit log's hash chain. `adminduk audit verify` checks every entry in order and prints one line: "
        "OK with the number of entries and the chain head, or the first broken entry and why; exit status 1 when broken."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify the hash chain (the result is kept for the dashboard)")

    def handle(self, *args, action, **options):
        check = check_chain()
        self.stdout.write(check.line())
        if not check.ok:
            self.stdout.flush()
            sys.exit(1)
