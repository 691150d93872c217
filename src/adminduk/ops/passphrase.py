"""Where `adminduk backup` and `restore` take the passphrase from: --passphrase-file, else
ADMINDUK_BACKUP_PASSPHRASE, else asked on the terminal (twice for a backup)."""

import getpass
import os
import sys
from pathlib import Path

from .backup import BackupError


def read_passphrase(passphrase_file: str | None, *, confirm: bool) -> str:
    if passphrase_file:
        try:
            return Path(passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise BackupError(f"cannot read the passphrase file: {exc.strerror or exc}") from exc
    if os.environ.get("ADMINDUK_BACKUP_PASSPHRASE"):
        return os.environ["ADMINDUK_BACKUP_PASSPHRASE"]
    if not sys.stdin.isatty():
        raise BackupError("give the passphrase with --passphrase-file FILE or ADMINDUK_BACKUP_PASSPHRASE")
    first = getpass.getpass("Backup passphrase: ")
    if confirm and getpass.getpass("Again: ") != first:
        raise BackupError("the two passphrases differ")
    return first
