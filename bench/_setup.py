"""Set-up shared by the benchmark scripts: a throwaway database and Django configured for it.

    with throwaway_database(args.database_url, "adminduk-bench-search-") as env:
        setup_django()
        load_kota()                     # migrate, then the regions of Kota Palu
        ...

SQLite: a file in a temporary directory. PostgreSQL: the URL names a server and a database to
connect to while a throwaway database is created (and dropped at the end, with the temporary
directory). `env` holds the variables set, for scripts that start child processes.
"""

import argparse
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
KOTA = "72.71"  # Kota Palu


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
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def parse(parser: argparse.ArgumentParser, argv, *, quick: dict, quick_help: str) -> argparse.Namespace:
    """Adds --quick (the values `quick`) and --database-url, parses `argv`, checks the URL."""
    parser.add_argument("--quick", action="store_true", help=quick_help)
    add_database_argument(parser)
    args = parser.parse_args(argv)
    if args.quick:
        vars(args).update(quick)
    check_database_argument(parser, args.database_url)
    return args


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", default="", help="postgres://user@host:port/db (default: a SQLite temp file)")


def check_database_argument(parser: argparse.ArgumentParser, url: str) -> None:
    if url and not url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a postgres:// URL")


@contextmanager
def throwaway_database(database_url: str, prefix: str, **settings: str):
    """Environment for a throwaway database (and data directory), removed on exit. Extra
    keyword arguments become environment variables (ADMINDUK_SYNC_CHANGE_LAG_SECONDS="0")."""
    data_dir = tempfile.mkdtemp(prefix=prefix)
    database = None
    try:
        env = {"ADMINDUK_MODE": "test", "ADMINDUK_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "adminduk.settings", **settings}
        if database_url:
            database = ThrowawayPostgres(database_url).__enter__()
            env["DATABASE_URL"] = database.url
        else:
            env["DATABASE_URL"] = f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}"
        os.environ.update(env)  # before django.setup(): settings read these once
        yield env
    finally:
        if database:
            database.__exit__(None, None, None)
        shutil.rmtree(data_dir, ignore_errors=True)


def setup_django() -> None:
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def load_kota() -> None:
    """Migrate the throwaway database and load the regions of Kota Palu."""
    from django.core.management import call_command

    from adminduk.regions import codes, services

    call_command("migrate", interactive=False, verbosity=0)
    services.load_regions(codes.shipped_region_rows(), villages_under=KOTA)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]
