import time

from django.core.management.base import BaseCommand

from adminduk.reports import summary


class Command(BaseCommand):
    help = (
        "The dashboards' summary tables: `adminduk reports rebuild` recomputes them from the registry and "
        "the e-KTP journal (the nightly job does the same); `adminduk reports refresh` applies what changed "
        "since the last run (the task worker does it every minute); `adminduk reports remaining` prints per "
        "kecamatan the wajib KTP, recorded and remaining (CSV)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "refresh", "remaining"])
        parser.add_argument("--lag", type=int, default=None, help="refresh: seconds a journal entry must be old (default ADMINDUK_REPORTS_LAG_SECONDS)")

    def handle(self, *args, action, lag, **options):
        started = time.monotonic()
        if action == "remaining":
            from adminduk.reports.queries import remaining_by_kecamatan

            self.stdout.write("kode,nama,wajib_ktp,recorded,remaining")
            for row in remaining_by_kecamatan():
                self.stdout.write(f"{row['kode']},{row['nama']},{row['wajib_ktp']},{row['recorded']},{row['remaining']}")
            return
        if action == "rebuild":
            result = summary.rebuild()
            self.stdout.write(
                f"Summary rebuilt: {result['residents']} residents, {result['coverage_cells']} coverage cells, "
                f"{result['backlog_cells']} backlog cells, {result['throughput_cells']} throughput cells "
                f"in {time.monotonic() - started:.1f} s."
            )
        else:
            result = summary.refresh(lag=lag)
            if "residents" in result:
                self.stdout.write(f"Summary built for the first time: {result['residents']} residents.")
            else:
                self.stdout.write(f"Summary refreshed: {result['journal_entries']} journal entries, {result['residents_changed']} residents changed.")
