"""Setting up the demo kota: regions, offices, a synthetic population and one account per role."""

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from adminduk.accounts.models import Certification, OfficeAssignment, User
from adminduk.accounts.permissions import Role
from adminduk.offices.demo import create_demo_offices
from adminduk.offices.models import Office
from adminduk.population.generator import generate_population
from adminduk.population.models import Resident
from adminduk.documents.demo import seed_documents
from adminduk.printing.demo import seed_printing
from adminduk.regions import codes, services
from adminduk.regions.models import Kelurahan

DEMO_KOTA = "72.71"  # Kota Palu


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    offices: tuple[str, ...]
    certified: tuple[str, ...] = ()
    certificate_days_left: int = 365
    superuser: bool = False

    @property
    def totp_key_hex(self) -> str:
        # Fixed per username so the README's authenticator entries survive a re-run of the demo.
        return hashlib.sha256(f"adminduk-demo-totp:{self.username}".encode()).hexdigest()[:40]

    @property
    def totp_secret_base32(self) -> str:
        """What an authenticator app (Google Authenticator, Aegis, ...) asks for."""
        return base64.b32encode(bytes.fromhex(self.totp_key_hex)).decode()


DEMO_ACCOUNTS = [
    DemoAccount("admin", "demo-admin-palu-2026", Role.DINAS_ADMIN, ("palu-dinas",), superuser=True),
    DemoAccount("supervisor", "demo-supervisor-palu-2026", Role.SUPERVISOR, ("palu-dinas",)),
    DemoAccount("spv.mantikulore", "demo-spv-mantikulore-2026", Role.SUPERVISOR, ("palu-mantikulore",)),
    DemoAccount("op.mantikulore", "demo-op-mantikulore-2026", Role.KECAMATAN_OPERATOR, ("palu-mantikulore",), ("recording",)),
    # Certificate ends in 10 days: the home page warns about it.
    DemoAccount("op.tatanga", "demo-op-tatanga-2026", Role.KECAMATAN_OPERATOR, ("palu-tatanga",), ("recording",), certificate_days_left=10),
    # Prints at the Dinas and at Mantikulore (the demo node), receives shipments and hands cards over.
    DemoAccount("printer", "demo-printer-palu-2026", Role.PRINT_OPERATOR, ("palu-dinas", "palu-mantikulore"), ("printing",)),
    DemoAccount("verifier", "demo-verifier-palu-2026", Role.VERIFIER, ("palu-dinas",)),
]


def prepare_demo(*, residents: int, stdout=None) -> None:
    call_command("migrate", interactive=False, verbosity=0)
    if not Kelurahan.objects.filter(code__startswith=DEMO_KOTA + ".").exists():
        result = services.load_regions(codes.shipped_region_rows(), villages_under=DEMO_KOTA)
        if stdout:
            stdout.write(f"Loaded regions: {result}.")
    create_demo_offices(DEMO_KOTA)
    existing = Resident.objects.count()
    if existing < residents:
        result = generate_population(DEMO_KOTA, residents - existing, seed=2026)
        if stdout:
            stdout.write(f"Generated {result.residents:,} residents in {result.families:,} families.")
    ensure_demo_accounts()
    seed_printing()
    seed_documents()
    from adminduk.queueing.demo import ensure_demo_counters, seed_past_days

    mantikulore = Office.objects.get(code="palu-mantikulore")
    ensure_demo_counters(mantikulore)
    # Past days of the walk-in queue: the planner's queue simulation starts from them.
    seed_past_days(mantikulore)
    from adminduk.appointments.demo import seed_demo_bookings, seed_today_bookings

    booked = seed_demo_bookings()
    if stdout and booked:
        stdout.write(f"Booked {booked} residents for e-KTP recording at Kantor Kecamatan Mantikulore.")
    seed_today_bookings()  # checked in at the node in the walk-through
    seed_civil()
    from adminduk.reports.demo import seed_reports

    recorded = seed_reports(DEMO_KOTA, keep=sample_niks(10))
    if stdout and recorded:
        stdout.write(f"Seeded {recorded} e-KTP recordings over the last two weeks for the dashboard (/laporan/).")
    from adminduk.privacy.demo import seed_privacy

    seed_privacy()


def privacy_lines() -> list[str]:
    from adminduk.privacy.demo import demo_lines

    return demo_lines()


def booking_lines() -> list[str]:
    from adminduk.appointments.demo import today_lines

    return today_lines()


def seed_civil() -> None:
    from adminduk.civil.demo import seed_civil as seed

    seed()


def civil_lines() -> list[str]:
    from adminduk.civil.demo import demo_lines

    return demo_lines()


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    today = timezone.localdate()
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.username)
        user.role = account.role
        user.is_staff = user.is_superuser = account.superuser
        user.set_password(account.password)
        user.save()
        for code in account.offices:
            OfficeAssignment.objects.get_or_create(user=user, office=Office.objects.get(code=code))
        for kind in account.certified:
            if not Certification.objects.filter(user=user, kind=kind, valid_until__gte=today).exists():
                Certification.objects.create(
                    user=user,
                    kind=kind,
                    certificate_number=f"DEMO-{kind[:3].upper()}-{user.pk}",
                    trained_on=today - dt.timedelta(days=365 - account.certificate_days_left),
                    valid_until=today + dt.timedelta(days=account.certificate_days_left),
                )
        TOTPDevice.objects.update_or_create(
            user=user, name="demo", defaults={"key": account.totp_key_hex, "confirmed": True, "tolerance": 1}
        )
    return DEMO_ACCOUNTS


def portal_lines(base_url: str) -> list[str]:
    """How to sign in to the resident portal as a demo resident (resident accounts made here)."""
    from adminduk.portal.demo import demo_lines

    return demo_lines(base_url)


def sample_niks(count: int = 3) -> list[str]:
    """Adults living in Mantikulore with a NIK issued there, so the Mantikulore accounts can
    find them and record their e-KTP."""
    adult_born_before = timezone.localdate() - dt.timedelta(days=366 * 18)
    residents = Resident.objects.filter(
        life_status="hidup", kelurahan__kecamatan_id="72.71.08", nik__startswith="727108", birth_date__lt=adult_born_before
    ).order_by("nik")
    return list(residents.values_list("nik", flat=True)[:count])
