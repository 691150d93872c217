from django.core.management.base import BaseCommand, CommandError

from adminduk.population.generator import generate_population


class Command(BaseCommand):
    help = (
        "Add a synthetic population to a kota: `adminduk generate --kota 72.71 --residents 100000 "
        "[--seed 1]`. Whole Kartu Keluarga with plausible members, valid NIKs and KK numbers; a "
        "re-run adds more residents. Load the kota's regions first (`adminduk regions load --kota 72.71`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kota", required=True, help="kab/kota code, e.g. 72.71 (Kota Palu)")
        parser.add_argument("--residents", type=int, required=True, help="how many residents to add")
        parser.add_argument("--seed", type=int, default=0, help="same seed and database, same population")

    def handle(self, *args, kota, residents, seed, verbosity, **options):
        if residents < 1:
            raise CommandError(f"--residents must be at least 1, not {residents}.")

        def progress(done, total):
            if verbosity >= 1 and done < total:
                self.stdout.write(f"  {done:,} of {total:,} residents written")

        try:
            result = generate_population(kota, residents, seed=seed, progress=progress)
        except ValueError as exc:  # the kota or its kelurahan not loaded, a bad code, serials used up
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.residents:,} residents in {result.families:,} families in "
                f"{result.seconds:.1f} s ({result.residents_per_second:,.0f} residents/second)."
            )
        )
