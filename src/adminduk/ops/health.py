"""What `/healthz` checks: the database answers, the task queue's storage answers, the data
directory's disk has room. Each check says ok or what is wrong, in one line."""

import dataclasses
import os
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connection

# Below this much free space (or share of the disk) the data directory's disk is "low".
MIN_FREE_BYTES = int(os.environ.get("ADMINDUK_MIN_FREE_BYTES", str(2 * 1024**3)))
MIN_FREE_SHARE = 0.05


@dataclasses.dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        return Check("database", False, f"{type(exc).__name__}: {exc}"[:200])
    return Check("database", True, connection.vendor)


def check_task_queue() -> Check:
    try:
        from huey.contrib.djhuey import HUEY

        pending = HUEY.pending_count()
    except Exception as exc:  # noqa: BLE001
        return Check("task_queue", False, f"{type(exc).__name__}: {exc}"[:200])
    return Check("task_queue", True, f"{pending} pending")


def disk_usage(path: Path | None = None):
    path = Path(path or settings.DATA_DIR)
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path)


def check_disk(path: Path | None = None) -> Check:
    try:
        usage = disk_usage(path)
    except OSError as exc:
        return Check("disk", False, str(exc)[:200])
    free_gib = usage.free / 1024**3
    if usage.free < MIN_FREE_BYTES or usage.free < usage.total * MIN_FREE_SHARE:
        return Check("disk", False, f"only {free_gib:.1f} GiB free of {usage.total / 1024**3:.1f} GiB")
    return Check("disk", True, f"{free_gib:.1f} GiB free")


def run_checks() -> list[Check]:
    return [check_database(), check_task_queue(), check_disk()]
