"""`adminduk serve`: the central or a node on gunicorn (several workers, threads per worker),
static files through WhiteNoise, Prometheus counters shared across workers."""

import os
import shutil
import sys
from pathlib import Path

from django.conf import settings


def default_workers() -> int:
    """2 × cores + 1 on PostgreSQL (gunicorn's advice); a node's SQLite has one writer, so 3."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return 3
    return 2 * (os.cpu_count() or 1) + 1


def metrics_dir() -> Path:
    return Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or settings.DATA_DIR / "prometheus")


def reset_metrics_dir(path: Path) -> None:
    """Counters of a previous run would be added to this run's: start empty."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, mode=0o700)


STATIC_STAMP = ".adminduk-static-sources"


def static_sources_fingerprint() -> str:
    """Every static file the finders see, by path, size and modification time."""
    import hashlib

    from django.contrib.staticfiles import finders

    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static_if_changed() -> bool:
    """Production: collect (fingerprint and compress) the static files for WhiteNoise when they
    changed since the last collection, e.g. after an upgrade. Returns whether it collected."""
    from django.core.management import call_command

    stamp = Path(settings.STATIC_ROOT) / STATIC_STAMP
    fingerprint = static_sources_fingerprint()
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True


def gunicorn_command() -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--config", "python:adminduk.ops.gunicorn_conf", "adminduk.wsgi:application"]


def serve_environment(*, bind: str, workers: int, threads: int, graceful_timeout: int, access_log: str, name: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "ADMINDUK_SERVE_BIND": bind,
            "ADMINDUK_SERVE_WORKERS": str(workers),
            "ADMINDUK_SERVE_THREADS": str(threads),
            "ADMINDUK_SERVE_GRACEFUL_TIMEOUT": str(graceful_timeout),
            "ADMINDUK_SERVE_ACCESS_LOG": access_log,
            "ADMINDUK_SERVE_NAME": name,
            # The settings the workers load must be this process's (mode, role, data directory).
            "ADMINDUK_MODE": settings.MODE,
            "ADMINDUK_ROLE": settings.ROLE,
            "ADMINDUK_DATA_DIR": str(settings.DATA_DIR),
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir()),
            "DJANGO_SETTINGS_MODULE": "adminduk.settings",
        }
    )
    return env
