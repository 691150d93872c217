"""Data files are owner-only: 0600 files, 0700 directories (issue 9, item 10)."""

import os
import stat
import subprocess
import sys

SCRIPT = r"""
import os, stat, sys
from pathlib import Path
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connection
import numpy as np

call_command("migrate", verbosity=0)
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS mode_probe (x int)")
    cursor.execute("INSERT INTO mode_probe VALUES (1)")  # the -wal and -shm files exist now

from huey.contrib.djhuey import HUEY
HUEY.enqueue  # the task queue's SQLite file
from adminduk.accounts import totp_keys
totp_keys.seal("00" * 20)
from adminduk.biometrics.index import FUSED_DIM, VectorIndex
index = VectorIndex("exact")
index.build(np.arange(3, dtype=np.int64), np.random.default_rng(1).random((3, FUSED_DIM), dtype=np.float32))
index.save(Path(settings.DATA_DIR) / "dedup")

for path in sorted(Path(settings.DATA_DIR).rglob("*")):
    if "static" in path.relative_to(settings.DATA_DIR).parts:
        continue
    print(oct(stat.S_IMODE(path.stat().st_mode)), "d" if path.is_dir() else "f", path.relative_to(settings.DATA_DIR))
print(oct(stat.S_IMODE(Path(settings.DATA_DIR).stat().st_mode)), "d", ".")
"""


def test_every_data_file_is_owner_only(tmp_path):
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    (data_dir / "old-log.txt").write_text("made by an older version")
    os.chmod(data_dir / "old-log.txt", 0o644)
    env = {
        **os.environ, "ADMINDUK_MODE": "demo", "ADMINDUK_DATA_DIR": str(data_dir), "ADMINDUK_HUEY_REAL": "1",
        "DJANGO_SETTINGS_MODULE": "adminduk.settings",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    listing = [line.split(" ", 2) for line in result.stdout.splitlines()]
    names = {name for _, _, name in listing}
    for expected in ["adminduk.sqlite3", "adminduk.sqlite3-wal", "adminduk.sqlite3-shm", "tasks-central.sqlite3",
                     "keys/totp-sealing.key", "dedup/index.faiss", "dedup/meta.json", "old-log.txt"]:  # fmt: skip
        assert expected in names, result.stdout
    loose = [(mode, name) for mode, kind, name in listing if int(mode, 8) & 0o077]
    assert not loose, loose
    assert all(mode == "0o600" for mode, kind, name in listing if kind == "f")
    assert all(mode == "0o700" for mode, kind, name in listing if kind == "d")
