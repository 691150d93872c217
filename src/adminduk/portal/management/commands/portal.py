import re
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from adminduk.messaging.backends import outbox_path, read_outbox
from adminduk.population.models import Resident
from adminduk.portal.demo import demo_residents
from adminduk.portal.signin import MESSAGE_KIND


class Command(BaseCommand):
    help = (
        "Resident portal helpers for the demo: `adminduk portal code NIK` prints the newest sign-in code sent "
        "to that resident's phone (file messaging backend only); `adminduk portal residents` lists demo residents."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        code = sub.add_parser("code", help="the newest sign-in code sent to the phone of NIK")
        code.add_argument("nik", metavar="NIK")
        sub.add_parser("residents", help="residents of the demo who can sign in to the portal")

    def handle(self, *args, action, **options):
        if action == "residents":
            for resident in demo_residents():
                self.stdout.write(f"{resident.nik}  {resident.full_name}  {resident.phone}")
            return
        nik = options["nik"].strip()
        if not (len(nik) == 16 and nik.isdigit()):
            raise CommandError(f"{nik!r} is not a NIK (16 digits)")
        if settings.ADMINDUK_MESSAGING_BACKEND != "file":
            raise CommandError(
                "codes can only be read back from the file messaging backend (demo); "
                f"this installation sends them with {settings.ADMINDUK_MESSAGING_BACKEND!r}"
            )
        resident = Resident.objects.filter(nik=nik).first()
        if resident is None or not resident.phone:
            raise CommandError(f"no resident with NIK {nik} and a phone number on file")
        rows = read_outbox(phone=resident.phone, kind=MESSAGE_KIND)
        if not rows:
            self.stderr.write(f"adminduk: no sign-in code sent to {resident.phone} yet (in {outbox_path()}): ask for one on the sign-in page first")
            sys.exit(1)
        newest = rows[-1]
        found = re.search(r"\b(\d{6})\b", newest["text"])
        if found is None:
            raise CommandError("the newest message holds no code")
        self.stdout.write(f"{found.group(1)}  (sent to {resident.phone} at {newest['at'][:19]}Z; valid a few minutes, once)")
