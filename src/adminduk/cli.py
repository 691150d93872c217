"""The ``adminduk`` console command: Django's management commands under one name.

Configuration comes from the environment (README, "Configuration"). Variables not set there are
read from ``ADMINDUK_DATA_DIR/adminduk.env`` (default ``./var/adminduk.env``), one
``NAME=value`` a line: ``adminduk demo`` writes that file for the demo central (and one in the
node's data directory), so every README command works from the repository root after
``./dev demo`` without exporting anything.

A configuration problem, an unusable database or a bad argument ends with one line on stderr
saying what to set or fix and a non-zero exit status, never a traceback (``--traceback`` shows
one for a genuine bug)."""

import atexit
import os
import secrets
import shutil
import sqlite3
import sys
import tempfile

from adminduk.core.envfile import ConfigurationProblem, apply_env_file

# Commands that need neither a database nor a secret key: they run with no configuration at all.
STANDALONE_COMMANDS = {"nik", "verify", "plan"}


def _configure(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
    command = argv[1] if len(argv) > 1 else ""
    apply_env_file()
    # `adminduk demo` is the one place a dev secret key is acceptable without configuration.
    if command == "demo":
        os.environ.setdefault("ADMINDUK_MODE", "demo")
    if command in STANDALONE_COMMANDS and not os.environ.get("ADMINDUK_MODE") and not os.environ.get("ADMINDUK_SECRET_KEY"):
        # Nothing is signed and nothing stored: a throwaway key and a throwaway data directory
        # (no ./var is created wherever the command is run).
        os.environ["ADMINDUK_SECRET_KEY"] = secrets.token_urlsafe(64)
        scratch = tempfile.mkdtemp(prefix="adminduk-")
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        os.environ["ADMINDUK_DATA_DIR"] = scratch
        os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")


def fail(message: str, status: int = 2):
    sys.stderr.write(f"adminduk: {message}\n")
    sys.exit(status)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "adminduk"
    try:
        _configure(argv)
    except (ConfigurationProblem, OSError) as exc:
        fail(str(exc))
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(argv)
    except KeyboardInterrupt:
        sys.exit(130)
    except ImproperlyConfigured as exc:
        fail(f"configuration: {exc}")
    except (DatabaseError, sqlite3.Error) as exc:
        if "--traceback" in argv:
            raise
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        fail(
            f"the database is not usable ({detail}). Run `adminduk migrate`, or check DATABASE_URL "
            f"(now: {_database_hint()})."
        )
    except Exception as exc:
        if "--traceback" in argv:
            raise
        fail(f"{type(exc).__name__}: {exc} (run again with --traceback to see where)", status=1)


def _database_hint() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.split("@")[-1] if "@" in url else url  # never print a password
    return f"the SQLite file under {os.environ.get('ADMINDUK_DATA_DIR') or './var'}"


if __name__ == "__main__":
    main()
