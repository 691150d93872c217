"""Resident accounts of the demo: adult residents of Mantikulore with a phone on file and no
e-KTP recording yet, so they can sign in, book a recording and follow their request."""

import datetime as dt

from django.utils import timezone

from adminduk.population.models import Resident

from .accounts import resident_account

DEMO_KECAMATAN = "72.71.08"  # Mantikulore, where the demo node's office is


def demo_residents(count: int = 3) -> list[Resident]:
    """Adults of Mantikulore with a mobile number, with a resident account each (made once)."""
    adult_born_before = timezone.localdate() - dt.timedelta(days=366 * 20)
    residents = list(
        Resident.objects.filter(
            life_status="hidup",
            kelurahan__kecamatan_id=DEMO_KECAMATAN,
            birth_date__lt=adult_born_before,
            citizenship="WNI",
        )
        .exclude(phone="")
        .order_by("-nik")[:count]
    )
    for resident in residents:
        resident_account(resident)
    return residents


def demo_lines(base_url: str) -> list[str]:
    lines = [
        f"  Resident portal   {base_url}/portal/   (a phone: 390 px wide; Indonesian, EN at the top)",
        "  Sign in with one of these NIKs; the code goes to DATA_DIR/messages.jsonl (the demo's phone).",
        "  Print the newest code with:  .venv/bin/adminduk portal code NIK",
    ]
    for resident in demo_residents():
        lines.append(f"    {resident.nik}  {resident.full_name:<28} {resident.phone}")
    return lines + [""]
