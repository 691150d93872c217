"""Demo offices for a kota: the Dinas office and one office per kecamatan, with opening hours
and equipment. Synthetic serial numbers start with DEMO-."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils.text import slugify

from adminduk.regions.models import Regency

from . import actions
from .choices import EquipmentKind, Weekday
from .models import Office

T = dt.time
WORKDAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY)

# Monday-Thursday full day; Friday with the break for Friday prayers.
STANDARD_HOURS = [
    *((day, T(8), T(16)) for day in WORKDAYS),
    (Weekday.FRIDAY, T(8), T(11, 30)),
    (Weekday.FRIDAY, T(13, 30), T(16, 30)),
]
DINAS_HOURS = [*STANDARD_HOURS, (Weekday.SATURDAY, T(8), T(12))]
# Evening service as its own period, so an office can drop it without touching the day hours.
EVENING_HOURS = [(day, T(16), T(20)) for day in WORKDAYS]

EVENING_OFFICES = 2  # the busiest kecamatan offices serve until 20:00 and get a card printer
DINAS_RECORDING_SETS = 2
DINAS_CARD_PRINTERS = 2


@dataclass
class DemoOfficesResult:
    offices_created: int = 0
    offices_given_hours: int = 0
    equipment_created: int = 0

    def __str__(self):
        return (
            f"{self.offices_created} offices created, {self.offices_given_hours} given opening hours, "
            f"{self.equipment_created} equipment registered"
        )


def _short_name(regency_name: str) -> str:
    for prefix in ("kabupaten ", "kota ", "kab. "):
        if regency_name.lower().startswith(prefix):
            return regency_name[len(prefix) :]
    return regency_name


def office_code(regency: Regency, kecamatan=None) -> str:
    """palu-dinas, palu-mantikulore; a kecamatan named after the kota is not doubled (palu-timur)."""
    base = slugify(_short_name(regency.name))
    if kecamatan is None:
        code = f"{base}-dinas"
    else:
        kec = slugify(kecamatan.name)
        code = kec if kec.startswith(base + "-") else f"{base}-{kec}"
    return code[:32].rstrip("-")


def _recording_sets_for(rank: int) -> int:
    # 3 sets at the busiest offices, 2 at the next three, 1 elsewhere.
    if rank < EVENING_OFFICES:
        return 3
    if rank < EVENING_OFFICES + 3:
        return 2
    return 1


@transaction.atomic
def create_demo_offices(kota_code: str = "72.71") -> DemoOfficesResult:
    """Create the demo offices of `kota_code` (its regions must be loaded). Idempotent: offices
    are found by code, and an office that already has opening hours or equipment keeps them,
    so a second call, or a call after operators changed things, changes nothing."""
    try:
        regency = Regency.objects.get(code=kota_code)
    except Regency.DoesNotExist:
        raise ValueError(f"kab/kota {kota_code} is not loaded; load the regions first") from None
    # The kecamatan with the most kelurahan/desa stand in for the busiest ones (the region list
    # is fixed, so the choice is the same on every call); ties go to the lower code.
    kecamatan_list = sorted(
        regency.kecamatan_set.annotate(villages=Count("kelurahan_set")), key=lambda k: (-k.villages, k.code)
    )
    if not kecamatan_list:
        raise ValueError(f"kab/kota {kota_code} has no kecamatan loaded")
    short = _short_name(regency.name)
    kind_word = "Kabupaten" if not regency.is_kota else "Kota"
    result = DemoOfficesResult()

    plans = [
        dict(
            code=office_code(regency),
            name=f"Dinas Kependudukan dan Pencatatan Sipil {kind_word} {short}",
            kind=Office.Kind.DINAS,
            kecamatan=None,
            hours=DINAS_HOURS,
            recording_sets=DINAS_RECORDING_SETS,
            card_printers=DINAS_CARD_PRINTERS,
        )
    ]
    for rank, kecamatan in enumerate(kecamatan_list):
        busy = rank < EVENING_OFFICES
        plans.append(
            dict(
                code=office_code(regency, kecamatan),
                name=f"Kantor Kecamatan {kecamatan.name}",
                kind=Office.Kind.KECAMATAN,
                kecamatan=kecamatan,
                hours=STANDARD_HOURS + EVENING_HOURS if busy else STANDARD_HOURS,
                recording_sets=_recording_sets_for(rank),
                card_printers=1 if busy else 0,
            )
        )

    for plan in plans:
        office = Office.objects.filter(code=plan["code"]).first()
        if office is None:
            office = actions.create_office(
                code=plan["code"], name=plan["name"], kind=plan["kind"], regency=regency, kecamatan=plan["kecamatan"]
            )
            result.offices_created += 1
        if not office.opening_hours.exists():
            actions.set_opening_hours(office, plan["hours"])
            result.offices_given_hours += 1
        if not office.equipment.exists():
            result.equipment_created += _register_equipment(office, plan["recording_sets"], plan["card_printers"])
    return result


def _register_equipment(office: Office, recording_sets: int, card_printers: int) -> int:
    prefix = f"DEMO-{office.code.upper()}"
    items = [
        (EquipmentKind.RECORDING_SET, f"{prefix}-RS{n:02d}", f"Perangkat perekaman {n}") for n in range(1, recording_sets + 1)
    ] + [(EquipmentKind.CARD_PRINTER, f"{prefix}-CP{n:02d}", f"Printer kartu {n}") for n in range(1, card_printers + 1)]
    for kind, serial, label in items:
        actions.add_equipment(office, kind, serial, label=label, reason="Demo")
    return len(items)
