"""`adminduk verify FILE.pdf --keys KEYFILE`: check a printed document offline, with only the
key list the Dinas publishes. One line verdict; exit 0 only for an authentic, current document
(1: not valid, 2: the file or the key list cannot be read). Needs no database or configuration."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from adminduk.documents import keys, pdfcheck, verification

VERDICTS = {
    verification.VALID: "VALID: authentic and current",
    verification.SUPERSEDED: "SUPERSEDED: authentic, but replaced by a newer document",
    verification.REVOKED: "REVOKED: authentic, but revoked",
    verification.INVALID: "INVALID: the QR code was altered or not signed by a published key",
    verification.UNKNOWN: "UNKNOWN: no such document in the published register",
    verification.MISMATCH: "INVALID: the QR code belongs to another document (its content differs)",
}


class Command(BaseCommand):
    help = "Verify a document PDF offline against the published key list (adminduk documents export-keys)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the document, as PDF")
        parser.add_argument("--keys", type=Path, default=Path("adminduk-document-keys.json"),
                            help="the key list the Dinas publishes (default: ./adminduk-document-keys.json)")

    def handle(self, *args, file, keys: Path, **options):
        key_path = keys
        try:
            key_list = _load_keys(key_path)
            token, content = pdfcheck.read(file.read_bytes())
        except (OSError, ValueError) as exc:
            self.stderr.write(f"adminduk: {exc}")
            sys.exit(2)
        status, claims = verification.verify_offline(token, key_list, content)
        what = f" ({claims.kind} {claims.number} v{claims.version})" if claims else ""
        stamp = key_list["exported_at"]
        register = f"; register of {stamp:%Y-%m-%d %H:%M} UTC" if stamp and key_list["documents"] is not None else ""
        self.stdout.write(f"{VERDICTS[status]}{what}{register}")
        if status != verification.VALID:
            sys.exit(1)


def _load_keys(path: Path) -> dict:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OSError(f"cannot read the key list {path}: {exc.strerror}") from exc
    return keys.load_key_list(data)
