"""Loading the Kemendagri region list into the database."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from . import codes
from .models import Kecamatan, Kelurahan, Province, Regency, RukunTetangga, RukunWarga


@dataclass
class LoadResult:
    provinsi: int = 0
    kabupaten_kota: int = 0
    kecamatan: int = 0
    kelurahan_desa: int = 0
    historical_provinsi: int = 0  # kept for old NIKs (e.g. 54 Timor Timur), not a current provinsi

    def __str__(self):
        text = (
            f"{self.provinsi:,} provinsi, {self.kabupaten_kota:,} kabupaten/kota, "
            f"{self.kecamatan:,} kecamatan, {self.kelurahan_desa:,} kelurahan/desa"
        )
        if self.historical_provinsi:
            text += f" (and {self.historical_provinsi} former provinsi kept for old NIKs)"
        return text


def _upsert(model, objects):
    model.objects.bulk_create(
        objects, batch_size=2000, update_conflicts=True, unique_fields=["code"], update_fields=["name"]
    )
    return len(objects)


@transaction.atomic
def load_regions(rows: Sequence[codes.RegionRow], *, villages_under: str | None = None) -> LoadResult:
    """Insert or rename regions. Provinsi, kab/kota and kecamatan are always loaded in full
    (NIK validation needs them); kelurahan/desa only under `villages_under` (e.g. "72.71")
    unless it is None, which loads every village.

    Regions missing from the list are kept: residents may still point at them.
    """
    by_level: dict[codes.Level, list[codes.RegionRow]] = {level: [] for level in codes.Level}
    for row in rows:
        by_level[row.level].append(row)
    known = {row.code for row in rows}
    for row in rows:
        parent = codes.parent_of(row.code)
        if parent and parent not in known and not Province.objects.filter(code=parent[:2]).exists():
            raise ValueError(f"{row.code} {row.name}: its parent region {parent} is not in the list")

    result = LoadResult()
    result.provinsi = _upsert(Province, [Province(code=r.code, name=r.name) for r in by_level[codes.Level.PROVINSI]])
    result.historical_provinsi = _upsert(
        Province,
        [
            Province(code=code, name=name, is_historical=True)
            for code, name in codes.HISTORICAL_PROVINCES.items()
            if code not in known
        ],
    )
    result.kabupaten_kota = _upsert(
        Regency, [Regency(code=r.code, name=r.name, province_id=r.code[:2]) for r in by_level[codes.Level.KABUPATEN_KOTA]]
    )
    result.kecamatan = _upsert(
        Kecamatan, [Kecamatan(code=r.code, name=r.name, regency_id=r.code[:5]) for r in by_level[codes.Level.KECAMATAN]]
    )
    villages = by_level[codes.Level.KELURAHAN_DESA]
    if villages_under is not None:
        villages = [r for r in villages if r.code.startswith(villages_under + ".")]
    result.kelurahan_desa = _upsert(
        Kelurahan, [Kelurahan(code=r.code, name=r.name, kecamatan_id=r.code[:8]) for r in villages]
    )
    return result


def ensure_neighbourhood(kelurahan_code: str, rw: str, rt: str) -> RukunTetangga:
    """The RT row for an address, created on first use (RT registers are kept by the kelurahan)."""
    if not (len(rw) == len(rt) == 3 and rw.isdigit() and rt.isdigit()) or rw == "000" or rt == "000":
        raise ValueError(f"RT/RW must be three digits from 001, got RT {rt!r} / RW {rw!r}")
    rw_row, _ = RukunWarga.objects.get_or_create(kelurahan_id=kelurahan_code, number=rw)
    rt_row, _ = RukunTetangga.objects.get_or_create(rw=rw_row, number=rt)
    return rt_row
