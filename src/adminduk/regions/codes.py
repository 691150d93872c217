"""Kemendagri region codes (PP.KK.CC.DDDD), without Django.

BPS statistical codes look alike but differ; nothing here accepts them.
"""

import csv
import gzip
import io
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources

CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")

# Provinces that no longer exist but whose NIKs are still held (e.g. Timor Timur, code 54,
# until 1999). A NIK is validated against every province that ever existed.
HISTORICAL_PROVINCES = {"54": "Timor Timur"}


class Level(StrEnum):
    PROVINSI = "provinsi"
    KABUPATEN_KOTA = "kabupaten_kota"
    KECAMATAN = "kecamatan"
    KELURAHAN_DESA = "kelurahan_desa"


LEVEL_BY_LENGTH = {2: Level.PROVINSI, 5: Level.KABUPATEN_KOTA, 8: Level.KECAMATAN, 13: Level.KELURAHAN_DESA}


def level_of(code: str) -> Level:
    if not CODE_PATTERN.match(code):
        raise ValueError(f"{code!r} is not a Kemendagri region code (format 72.71.03.1005)")
    return LEVEL_BY_LENGTH[len(code)]


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def is_kota(regency_code: str) -> bool:
    """Kabupaten codes run 01-69, kota codes 71-99."""
    return int(regency_code[-2:]) >= 71


def village_kind(kelurahan_code: str) -> str:
    """Kelurahan codes start with 1, desa with 2, desa adat with 3."""
    return {"1": "kelurahan", "2": "desa", "3": "desa_adat"}.get(kelurahan_code[-4], "unknown")


def compact(code: str) -> str:
    """72.71.03 -> 727103 (the form used inside NIK and KK numbers)."""
    return code.replace(".", "")


def dotted(digits: str) -> str:
    """727103 -> 72.71.03; 7271031005 -> 72.71.03.1005."""
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(p for p in parts if p)


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str

    @property
    def level(self) -> Level:
        return level_of(self.code)


def read_region_csv(stream: io.TextIOBase) -> list[RegionRow]:
    """Read a `kode,nama` CSV; raise ValueError naming the line of the first bad row."""
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header[:2]] != ["kode", "nama"]:
        raise ValueError("region CSV must start with the header 'kode,nama'")
    rows = []
    for line_no, record in enumerate(reader, start=2):
        if not record or not "".join(record).strip():
            continue
        if len(record) < 2 or not record[1].strip():
            raise ValueError(f"line {line_no}: expected 'kode,nama', got {record!r}")
        code = record[0].strip()
        if not CODE_PATTERN.match(code):
            raise ValueError(f"line {line_no}: {code!r} is not a Kemendagri region code")
        rows.append(RegionRow(code, record[1].strip()))
    return rows


@lru_cache(maxsize=1)
def shipped_region_rows() -> tuple[RegionRow, ...]:
    """The national list shipped with adminduk (see data/README.md)."""
    data = resources.files("adminduk.regions").joinpath("data/wilayah.csv.gz").read_bytes()
    with io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(data)), encoding="utf-8") as text:
        return tuple(read_region_csv(text))


@lru_cache(maxsize=1)
def national_codes_to_kecamatan() -> frozenset[str]:
    """Every provinsi, kab/kota and kecamatan code in the shipped list, plus historical provinces."""
    codes = {row.code for row in shipped_region_rows() if len(row.code) <= 8}
    return frozenset(codes | set(HISTORICAL_PROVINCES))


@lru_cache(maxsize=1)
def province_codes_ever() -> frozenset[str]:
    return frozenset(c for c in national_codes_to_kecamatan() if len(c) == 2)
