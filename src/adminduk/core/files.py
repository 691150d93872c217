"""Owner-only data files: the SQLite database (with its -wal and -shm), the task queue's SQLite
file, the FAISS index, key files and logs hold personal data or secrets.

`restrict_new_files()` sets the process umask to 077 before anything is created (settings.py
calls it first), so every file adminduk, SQLite, Huey or FAISS creates is 0600 and every
directory 0700. `tighten(data_dir)` brings files made by an older version down to the same
modes at start-up (AppConfig.ready). Collected static files are public and left alone.
"""

import os
import stat
from pathlib import Path

UMASK = 0o077


def restrict_new_files() -> None:
    os.umask(UMASK)


def tighten(data_dir: Path, *, skip: tuple[Path, ...] = ()) -> int:
    """chmod go-rwx every file and directory under `data_dir` (not following links, not into
    `skip`). Returns how many were changed; files owned by another user are left as they are."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return 0
    skipped = {Path(p).resolve() for p in skip}
    changed = 0
    for root, dirs, files in os.walk(data_dir):
        root_path = Path(root)
        dirs[:] = [d for d in dirs if (root_path / d).resolve() not in skipped]
        for path in [root_path, *(root_path / f for f in files)]:
            try:
                mode = path.lstat().st_mode
                if stat.S_ISLNK(mode) or not mode & 0o077:
                    continue
                path.chmod(stat.S_IMODE(mode) & ~0o077)
                changed += 1
            except (PermissionError, FileNotFoundError):
                continue
    return changed
