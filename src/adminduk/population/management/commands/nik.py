import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from adminduk.population import rules
from adminduk.population.choices import Sex


class Command(BaseCommand):
    help = "Check NIKs: `adminduk nik check NIK [NIK ...]` prints the parts of each or why it is invalid; exit status 1 if any is invalid."
    requires_system_checks = []  # works without a database

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="validate and parse NIKs")
        check.add_argument("niks", nargs="+", metavar="NIK")

    def handle(self, *args, action, niks, **options):
        invalid = 0
        for nik in niks:
            try:
                parsed = rules.parse_nik(nik)
            except rules.NumberError as exc:
                invalid += 1
                self.stdout.write(self.style.ERROR(f"{nik}: INVALID — {exc.message}"))
                continue
            today = timezone.localdate()
            centuries = " or ".join(str(d.year) for d in parsed.date_candidates() if d <= today)
            self.stdout.write(
                self.style.SUCCESS(f"{nik}: valid")
                + f"\n  region of issue  {parsed.kecamatan_code} (provinsi {parsed.province_code},"
                f" kab/kota {parsed.regency_code})"
                f"\n  birth date       {parsed.day:02d}-{parsed.month:02d}-{parsed.year_2d:02d} (year {centuries})"
                f"\n  sex              {Sex(parsed.sex).label}"
                f"\n  serial           {parsed.serial:04d}"
            )
            for warning in parsed.warnings:
                self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
        if invalid:
            self.stdout.flush()
            sys.exit(1)
