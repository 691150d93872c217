"""`adminduk documents ...`: the Dinas's tasks around issued documents.

  export-keys FILE                      the key list to publish (keys + register by digest)
  reserve --office CODE --series S      reserve another number block for an office's node
  blocks [--office CODE]                the number blocks and what each holder used today
  revoke NUMBER --reason TEXT [--version N]   revoke an issued document (audited)
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from adminduk.documents import issuing, keys, numbers
from adminduk.documents.models import IssuedDocument, NumberBlock, NumberUse
from adminduk.offices.models import Office


class Command(BaseCommand):
    help = "Document keys, number blocks and revocations: export-keys, reserve, blocks, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export-keys", help="write the key list the Dinas publishes")
        export.add_argument("file", type=Path)
        reserve = sub.add_parser("reserve", help="reserve a number block for an office")
        reserve.add_argument("--office", required=True)
        reserve.add_argument("--series", required=True, choices=numbers.Series.values)
        reserve.add_argument("--holder", default="node", choices=NumberBlock.Holder.values)
        reserve.add_argument("--size", type=int, default=None)
        blocks = sub.add_parser("blocks", help="list number blocks")
        blocks.add_argument("--office", default="")
        revoke = sub.add_parser("revoke", help="revoke an issued document")
        revoke.add_argument("number")
        revoke.add_argument("--reason", required=True)
        revoke.add_argument("--version", type=int, default=None)

    def handle(self, *args, action, **options):
        try:
            getattr(self, "handle_" + action.replace("-", "_"))(**options)
        except (numbers.NumbersUnavailable, issuing.DocumentError) as exc:
            raise CommandError(exc.message) from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc

    def handle_export_keys(self, file, **options):
        file.write_bytes(keys.export_key_list())
        count = len(keys.key_list(with_register=False)["keys"])
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} document keys and the register to {file}"))

    def _office(self, code):
        office = Office.objects.filter(code=code).first()
        if office is None:
            raise CommandError(f"no office with code {code!r}")
        return office

    def handle_reserve(self, office, series, holder, size, **options):
        block = numbers.reserve_block(series, self._office(office), holder=holder, size=size)
        self.stdout.write(self.style.SUCCESS(f"Reserved {block.series} {block.scope} serials {block.first}-{block.last} for {office} ({holder})"))

    def handle_blocks(self, office, **options):
        queryset = NumberBlock.objects.select_related("office")
        if office:
            queryset = queryset.filter(office=self._office(office))
        today = timezone.localdate()
        used = dict(NumberUse.objects.filter(day=today).values_list("block_id", "used"))
        for block in queryset:
            self.stdout.write(f"{block.series:15} {block.scope:9} {block.first:>5}-{block.last:<5} {block.office.code:22} {block.holder:8} used today: {used.get(block.pk, 0)}")

    def handle_revoke(self, number, reason, version, **options):
        documents = IssuedDocument.objects.filter(number=number).order_by("-version")
        document = documents.filter(version=version).first() if version else documents.first()
        if document is None:
            raise CommandError(f"no issued document {number}")
        issuing.revoke_document(document, reason=reason)
        self.stdout.write(self.style.SUCCESS(f"Revoked {document.number} v{document.version}"))
