"""The planner's figures from adminduk's own data, for one kab/kota.

from_registry() is the ONE place the planner reads the registry: wajib KTP and recorded per
kecamatan come from the reports app's summary tables (reports.queries.remaining_by_kecamatan,
kept current every minute), never from a count over the residents at request time."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from adminduk.offices.choices import EquipmentKind, EquipmentStatus
from adminduk.offices.models import ClosedDay, Equipment, Office, OpeningHours
from adminduk.offices.queries import RECORDINGS_PER_SET_PER_HOUR
from adminduk.printing.models import BlangkoStock
from adminduk.regions.models import Kecamatan
from adminduk.reports.queries import remaining_by_kecamatan

from .model import KecamatanInput, Limits

# Service from 16:00 counts as evening service when it runs past 17:00 (a Friday that closes
# at 16:30 after the prayer break is still a day).
EVENING_STARTS = dt.time(16)
EVENING_PAST = dt.time(17)
WORKING_WEEKDAYS = range(5)


@dataclass(frozen=True)
class RegistryInputs:
    kecamatan: list[KecamatanInput]
    dinas_printers: int
    blangko_stock: dict[str, int]  # kecamatan code, or "dinas"
    closed_days: frozenset[dt.date]
    evening_share: float
    on: dt.date


def from_registry(regency_code: str, on: dt.date, until: dt.date | None = None) -> RegistryInputs:
    codes = list(Kecamatan.objects.filter(regency_id=regency_code).values_list("code", flat=True))
    counts = {row["kode"]: {"wajib": row["wajib_ktp"], "recorded": row["recorded"]} for row in remaining_by_kecamatan(codes)}
    offices = {o.kecamatan_id: o for o in Office.objects.filter(regency_id=regency_code, is_active=True, kind=Office.Kind.KECAMATAN)}
    dinas = Office.objects.filter(regency_id=regency_code, is_active=True, kind=Office.Kind.DINAS).first()
    equipment: dict = {}
    for office_id, kind, n in (
        Equipment.objects.filter(office__regency_id=regency_code, status=EquipmentStatus.ACTIVE)
        .values_list("office_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        equipment[(office_id, kind)] = n
    hours = _weekly_hours(regency_code)
    stock = dict(BlangkoStock.objects.filter(office__regency_id=regency_code).values_list("office_id", "quantity"))
    shares = []
    rows = []
    for kecamatan in Kecamatan.objects.filter(regency_id=regency_code).order_by("code"):
        office = offices.get(kecamatan.code)
        day, evening = hours.get(office.pk if office else None, (0.0, 0.0))
        if evening:
            shares.append(evening / day if day else 0)
        per_set = float(RECORDINGS_PER_SET_PER_HOUR * Decimal(str(round((day + evening) / len(WORKING_WEEKDAYS), 4))))
        found = counts.get(kecamatan.code, {})
        rows.append(
            KecamatanInput(
                kode=kecamatan.code,
                nama=kecamatan.name,
                wajib_ktp=found.get("wajib", 0),
                recorded=found.get("recorded", 0),
                sets=equipment.get((office.pk, EquipmentKind.RECORDING_SET), 0) if office else 0,
                printers=equipment.get((office.pk, EquipmentKind.CARD_PRINTER), 0) if office else 0,
                per_set_per_day=per_set if per_set > 0 else _standard_per_set(),
                evening=bool(evening),
            )
        )
    closed = ClosedDay.objects.filter(office__isnull=True, regency_id=regency_code, date__gte=on)
    if until is not None:
        closed = closed.filter(date__lte=until)
    blangko = {kode: stock.get(offices[kode].pk, 0) for kode in offices}
    if dinas is not None:
        blangko["dinas"] = stock.get(dinas.pk, 0)
    return RegistryInputs(
        kecamatan=rows,
        dinas_printers=equipment.get((dinas.pk, EquipmentKind.CARD_PRINTER), 0) if dinas else 0,
        blangko_stock=blangko,
        closed_days=frozenset(closed.values_list("date", flat=True)),
        evening_share=round(sum(shares) / len(shares), 3) if shares else Limits.evening_share,
        on=on,
    )


def _weekly_hours(regency_code: str) -> dict:
    """office id -> (hours a week before 16:00, hours a week from 16:00), Monday to Friday."""
    found: dict = {}
    for office_id, opens, closes in OpeningHours.objects.filter(
        office__regency_id=regency_code, weekday__in=list(WORKING_WEEKDAYS)
    ).values_list("office_id", "opens", "closes"):
        day, evening = found.get(office_id, (0.0, 0.0))
        start, end = _hours(opens), _hours(closes)
        cut = _hours(EVENING_STARTS) if end > _hours(EVENING_PAST) else 24.0
        day += max(0.0, min(end, cut) - start)
        evening += max(0.0, end - max(start, cut))
        found[office_id] = (day, evening)
    return found


def _hours(value: dt.time) -> float:
    return value.hour + value.minute / 60


def _standard_per_set() -> float:
    """A kecamatan without an office yet: a set at 8 service hours a day."""
    return float(RECORDINGS_PER_SET_PER_HOUR * 8)
