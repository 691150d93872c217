"""Benchmark of the population generator on a fresh throwaway database.

    .venv/bin/python bench/generate.py --residents 1000000
    .venv/bin/python bench/generate.py --residents 1000000 --database-url postgres://postgres@127.0.0.1:5432/postgres

SQLite: a file in a temporary directory. PostgreSQL: the URL names a server and a database to
connect to while a throwaway database is created (and dropped at the end). Either way the
script migrates, loads the regions of Kota Palu, generates the residents and prints residents
per second, wall time and peak memory (this process and its worker).

Target on a 2-core machine: 1,000,000 residents in under 60 s, peak memory under 2 GB.
"""

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

KOTA = "72.71"  # Kota Palu
TARGET_SECONDS = 60
TARGET_BYTES = 2 * 1024**3


def _peak_bytes(who: int) -> int:
    return resource.getrusage(who).ru_maxrss * 1024  # Linux reports KiB


def _mib(n: int) -> str:
    return f"{n / 1024**2:,.0f} MiB"


class ThrowawayPostgres:
    """CREATE DATABASE on enter, DROP DATABASE on exit, through the server of `url`."""

    def __init__(self, url: str):
        self.admin_url = url
        self.name = f"adminduk_bench_{os.getpid()}"
        parts = urlsplit(url)
        self.url = urlunsplit(parts._replace(path="/" + self.name))

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def __enter__(self):
        self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc):
        from django.db import connections

        connections.close_all()
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", help="postgres://user@host:port/db (default: a SQLite temp file)")
    args = parser.parse_args(argv)
    if args.residents < 1:
        parser.error("--residents must be at least 1")

    data_dir = tempfile.mkdtemp(prefix="adminduk-bench-")
    # Before django.setup(): settings read these once.
    os.environ["ADMINDUK_MODE"] = "test"
    os.environ["ADMINDUK_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "adminduk.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    database = None
    try:
        if args.database_url:
            if not args.database_url.startswith(("postgres://", "postgresql://")):
                parser.error("--database-url must be a postgres:// URL")
            database = ThrowawayPostgres(args.database_url).__enter__()
            os.environ["DATABASE_URL"] = database.url
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}"
        return run(args)
    finally:
        if database:
            database.__exit__(None, None, None)
        shutil.rmtree(data_dir, ignore_errors=True)


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from adminduk.population.generator import generate_population
    from adminduk.population.models import Family, Resident
    from adminduk.regions import codes, services

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    services.load_regions(codes.shipped_region_rows(), villages_under=KOTA)
    print(f"database   {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"set-up     migrate + regions of Kota Palu in {time.perf_counter() - started:.1f} s")

    def progress(done, total):
        print(f"  {done:>10,} / {total:,} residents  {time.perf_counter() - t0:6.1f} s", flush=True)

    t0 = time.perf_counter()
    result = generate_population(KOTA, args.residents, seed=args.seed, progress=progress)
    wall = time.perf_counter() - t0

    stored = Resident.objects.count()
    if stored != args.residents or Family.objects.count() != result.families:
        print(f"MISMATCH: {stored:,} residents stored", file=sys.stderr)
        return 1
    peak_self, peak_children = _peak_bytes(resource.RUSAGE_SELF), _peak_bytes(resource.RUSAGE_CHILDREN)
    print(f"residents  {result.residents:,} in {result.families:,} families")
    print(f"speed      {result.residents / wall:,.0f} residents/s")
    print(f"wall time  {wall:.1f} s (target < {TARGET_SECONDS} s per million)")
    print(f"peak RSS   {_mib(peak_self)} main process, {_mib(peak_children)} worker process")
    per_million = wall * 1_000_000 / args.residents
    ok = per_million < TARGET_SECONDS and peak_self + peak_children < TARGET_BYTES
    print("target     " + ("met" if ok else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
