from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from adminduk.regions import codes, services


class Command(BaseCommand):
    help = (
        "Load Kemendagri regions. `adminduk regions load --kota 72.71` loads every provinsi, "
        "kab/kota and kecamatan plus the kelurahan/desa of one kota; `--all` loads all "
        "83,762 kelurahan/desa; `--file` reads another `kode,nama` CSV (e.g. a newer Kepmendagri list)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load regions from the shipped list or a CSV file")
        load.add_argument("--file", type=Path, help="a kode,nama CSV; default: the shipped national list")
        scope = load.add_mutually_exclusive_group(required=True)
        scope.add_argument("--kota", help="load kelurahan/desa only under this kab/kota code, e.g. 72.71")
        scope.add_argument("--all", action="store_true", help="load every kelurahan/desa")

    def handle(self, *args, action, file, kota, all, **options):
        try:
            if file:
                with file.open(encoding="utf-8") as stream:
                    rows = codes.read_region_csv(stream)
            else:
                rows = codes.shipped_region_rows()
            if kota and codes.level_of(kota) != codes.Level.KABUPATEN_KOTA:
                raise ValueError(f"--kota takes a kab/kota code like 72.71, not {kota!r}")
            if kota and not any(r.code == kota for r in rows):
                raise ValueError(f"kab/kota {kota} is not in the list")
            result = services.load_regions(rows, villages_under=None if all else kota)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Loaded {result}."))
