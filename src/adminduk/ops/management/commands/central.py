from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from adminduk.accounts import totp_keys
from adminduk.documents import signing
from adminduk.enrollment import sealing


class Command(BaseCommand):
    help = (
        "The central's keys. `adminduk central keygen` creates, once, in ADMINDUK_KEY_DIR: the X25519 key nodes seal "
        "packets to (its public half is printed, for `adminduk node init --central-public-key`), the TOTP sealing "
        "key and the Ed25519 key that signs issued documents' QR codes. An existing key is never overwritten."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("keygen", help="create the central's sealing, TOTP sealing and document signing keys (once)")

    def handle(self, *args, action, **options):
        if settings.ROLE != "central":
            raise CommandError("ADMINDUK_ROLE is not central: a node gets its key with `adminduk node init`")
        path = sealing.key_dir() / sealing.PRIVATE_KEY_FILE
        if path.exists():
            self.stdout.write(f"The central key exists already: {path}")
            public = sealing.central_public_key()
        else:
            public = sealing.write_central_keypair()
            self.stdout.write(f"Created the central key: {path}")
        totp_keys._cipher()  # creates ADMINDUK_KEY_DIR/totp-sealing.key when missing
        self.stdout.write(f"TOTP sealing key: {totp_keys.key_path()}")
        signing.create_signing_key()
        self.stdout.write(f"Document signing key: {signing.key_path()}")
        self.stdout.write(f"Public key for the nodes: {sealing.public_key_b64(public)}")
