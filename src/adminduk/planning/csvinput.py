"""Figures per kecamatan from a CSV file, for planning before a Dinas's data is in adminduk.

Columns (header row, any order): kode,nama,wajib_ktp,recorded,sets,printers,per_set_per_day;
optionally `evening` (1 where the office already serves evenings; per_set_per_day then
includes the evening). Every problem is one InputError naming the row (as a spreadsheet
numbers it: the header is row 1) and the column."""

import csv
import io
import re
from pathlib import Path

from .model import KecamatanInput

REQUIRED = ("kode", "nama", "wajib_ktp", "recorded", "sets", "printers", "per_set_per_day")
OPTIONAL = ("evening",)
KODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
MAX_ROWS = 20_000  # the national list has 7,285 kecamatan
MAX_BYTES = 20 * 1024 * 1024


class InputError(ValueError):
    pass


def read_csv_file(path: str | Path) -> list[KecamatanInput]:
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a CSV file")
        data = path.read_bytes()
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return parse_csv(data, name=str(path))


def parse_csv(data: bytes, name: str = "input") -> list[KecamatanInput]:
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{name}: not a UTF-8 text CSV file") from None
    if "\x00" in text:
        raise InputError(f"{name}: not a text CSV file")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise InputError(f"{name}: empty file; the first line must name the columns {','.join(REQUIRED)}")
        columns = [cell.strip().lower() for cell in header]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise InputError(f"{name} row 1 (header): missing column {', '.join(missing)}")
        duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
        if duplicated:
            raise InputError(f"{name} row 1 (header): column {', '.join(duplicated)} appears twice")
        rows, seen = [], {}
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(columns):
                raise InputError(f"{name} row {line}: {len(cells)} values for {len(columns)} columns")
            rows.append(_row(name, line, dict(zip(columns, (c.strip() for c in cells))), seen))
            if len(rows) > MAX_ROWS:
                raise InputError(f"{name}: more than {MAX_ROWS} kecamatan")
    except csv.Error as exc:
        raise InputError(f"{name} row {reader.line_num}: not valid CSV ({exc})") from None
    if not rows:
        raise InputError(f"{name}: no kecamatan after the header line")
    return rows


def _row(name: str, line: int, values: dict, seen: dict) -> KecamatanInput:
    def where(column: str) -> str:
        return f"{name} row {line}, column {column}"

    kode = values["kode"]
    if not KODE.match(kode):
        raise InputError(f"{where('kode')}: {kode!r} is not a kecamatan code like 16.71.06")
    if kode in seen:
        raise InputError(f"{where('kode')}: {kode} is already on row {seen[kode]}")
    seen[kode] = line
    if not values["nama"]:
        raise InputError(f"{where('nama')}: empty")
    counts = {c: _whole(values[c], where(c)) for c in ("wajib_ktp", "recorded", "sets", "printers")}
    if counts["recorded"] > counts["wajib_ktp"]:
        raise InputError(f"{where('recorded')}: {counts['recorded']} recorded is more than {counts['wajib_ktp']} wajib KTP")
    rate = _number(values["per_set_per_day"], where("per_set_per_day"))
    if rate <= 0:
        raise InputError(f"{where('per_set_per_day')}: must be more than 0 recordings a day")
    if rate > 2000:
        raise InputError(f"{where('per_set_per_day')}: {values['per_set_per_day']} recordings a day for one set is not possible")
    evening = values.get("evening", "") or "0"
    if evening not in ("0", "1"):
        raise InputError(f"{where('evening')}: {evening!r} must be 1 (serves evenings) or 0")
    return KecamatanInput(kode=kode, nama=values["nama"], per_set_per_day=rate, evening=evening == "1", **counts)


def _whole(text: str, where: str) -> int:
    cleaned = text.replace("_", "")
    if not re.fullmatch(r"-?\d+", cleaned or "x"):
        raise InputError(f"{where}: {text!r} is not a whole number")
    value = int(cleaned)
    if value < 0:
        raise InputError(f"{where}: {value} is negative")
    if value > 100_000_000:
        raise InputError(f"{where}: {value} is too large")
    return value


def _number(text: str, where: str) -> float:
    if not re.fullmatch(r"-?\d+(\.\d+)?", text or "x"):
        raise InputError(f"{where}: {text!r} is not a number")
    return float(text)
