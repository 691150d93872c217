"""NIK and KK number rules, wajib KTP and KIA eligibility.

Plain functions over plain values, so services, views, the API, the generator and the CLI all
apply one set of rules. Region knowledge comes in as a set of known codes; without one, the
shipped national Kemendagri list is used.
"""

import calendar
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from adminduk.regions import codes as region_codes

from .choices import Citizenship, LifeStatus, MaritalStatus, Sex

NIK_LENGTH = 16
KK_LENGTH = 16
FEMALE_DAY_OFFSET = 40
MAX_SERIAL = 9999
WAJIB_KTP_AGE = 17
KIA_PHOTO_AGE = 5


class NumberError(ValueError):
    """A NIK or KK number that can never be valid. `code` is stable for programs."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ParsedNumber:
    """The parts of a NIK (or KK number; then sex is None and the date is the issue date)."""

    number: str
    kecamatan_code: str  # dotted, e.g. 72.71.03
    day: int  # the real day of the month (the +40 for women removed)
    month: int
    year_2d: int
    serial: int
    sex: str | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def province_code(self) -> str:
        return self.kecamatan_code[:2]

    @property
    def regency_code(self) -> str:
        return self.kecamatan_code[:5]

    def date_candidates(self) -> list[dt.date]:
        """The date part in each century where it exists (the registry holds the century)."""
        found = []
        for century in (1900, 2000):
            try:
                found.append(dt.date(century + self.year_2d, self.month, self.day))
            except ValueError:
                pass
        return found

    def likely_date(self, today: dt.date | None = None) -> dt.date:
        """The latest candidate that is not in the future: a guess when no registry is at hand."""
        today = today or dt.date.today()
        past = [d for d in self.date_candidates() if d <= today]
        return max(past) if past else min(self.date_candidates())


def _digits_only(value: str, length: int, what: str) -> str:
    if not isinstance(value, str):
        raise NumberError("not_text", _("%(what)s must be text of %(n)d digits.") % {"what": what, "n": length})
    value = value.strip()
    if not value:
        raise NumberError("empty", _("%(what)s is empty; it must have %(n)d digits.") % {"what": what, "n": length})
    for position, char in enumerate(value, start=1):
        if not ("0" <= char <= "9"):
            raise NumberError(
                "non_digit",
                _("%(what)s may contain digits only; found %(char)r at position %(pos)d.")
                % {"what": what, "char": char, "pos": position},
            )
    if len(value) != length:
        raise NumberError(
            "length",
            _("%(what)s must have exactly %(n)d digits; got %(got)d.") % {"what": what, "n": length, "got": len(value)},
        )
    return value


def _region_part(value: str, what: str, known_codes: Collection[str] | None) -> tuple[str, list[str]]:
    province = value[0:2]
    kecamatan_code = region_codes.dotted(value[0:6])
    if province == "00":
        raise NumberError("province_zero", _("%(what)s: province code 00 does not exist.") % {"what": what})
    if province not in region_codes.province_codes_ever():
        raise NumberError(
            "province_unknown",
            _("%(what)s: province code %(code)s has never been a Kemendagri province.")
            % {"what": what, "code": province},
        )
    known = region_codes.national_codes_to_kecamatan() if known_codes is None else known_codes
    warnings = []
    if kecamatan_code[:5] not in known:
        warnings.append(
            _("Kab/kota %(code)s is not in the current Kemendagri list (the NIK may predate a region split).")
            % {"code": kecamatan_code[:5]}
        )
    elif kecamatan_code not in known:
        warnings.append(
            _("Kecamatan %(code)s is not in the current Kemendagri list (the NIK may predate a region split).")
            % {"code": kecamatan_code}
        )
    return kecamatan_code, warnings


def _check_serial(value: str, what: str) -> int:
    serial = int(value[12:16])
    if serial == 0:
        raise NumberError("serial_zero", _("%(what)s: serial 0000 is never issued; serials run 0001–9999.") % {"what": what})
    return serial


def _check_date(day: int, month: int, year_2d: int, what: str, shown_day: str) -> None:
    if month == 0 or month > 12:
        raise NumberError(
            "month", _("%(what)s: month %(month)02d in the date part is not a month (01–12).") % {"what": what, "month": month}
        )
    leap_possible = calendar.isleap(1900 + year_2d) or calendar.isleap(2000 + year_2d)
    longest = 29 if month == 2 and leap_possible else calendar.monthrange(2001, month)[1]
    if day > longest:
        raise NumberError(
            "impossible_date",
            _("%(what)s: the date part %(shown)s-%(month)02d-%(year)02d means day %(day)d of month %(month)02d, which does not exist.")
            % {"what": what, "shown": shown_day, "month": month, "year": year_2d, "day": day},
        )


def parse_nik(
    value: str,
    *,
    known_codes: Collection[str] | None = None,
    registry_birth_date: dt.date | None = None,
    registry_sex: str | None = None,
) -> ParsedNumber:
    """Parse a NIK or raise NumberError with the exact reason.

    A NIK whose date or sex disagrees with the registry is still a valid NIK (it is never
    changed); the disagreement comes back as a warning for the operator.
    """
    nik = _digits_only(value, NIK_LENGTH, "NIK")
    kecamatan_code, warnings = _region_part(nik, "NIK", known_codes)
    raw_day, month, year_2d = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if raw_day in (0, FEMALE_DAY_OFFSET):
        raise NumberError(
            "day_zero",
            _("NIK: day %(day)s in the date part does not exist (01–31 for men, 41–71 for women).") % {"day": nik[6:8]},
        )
    if 1 <= raw_day <= 31:
        sex, day = Sex.MALE.value, raw_day
    elif FEMALE_DAY_OFFSET + 1 <= raw_day <= FEMALE_DAY_OFFSET + 31:
        sex, day = Sex.FEMALE.value, raw_day - FEMALE_DAY_OFFSET
    else:
        raise NumberError(
            "day_range",
            _("NIK: day %(day)s in the date part is out of range: 01–31 for men, 41–71 for women (day + 40).")
            % {"day": nik[6:8]},
        )
    _check_date(day, month, year_2d, "NIK", nik[6:8])
    serial = _check_serial(nik, "NIK")
    parsed = ParsedNumber(nik, kecamatan_code, day, month, year_2d, serial, sex)
    if registry_birth_date is not None and registry_birth_date not in parsed.date_candidates():
        warnings.append(
            _("The NIK date part %(part)s does not match the registry birth date %(date)s; the NIK stays as issued.")
            % {"part": nik[6:12], "date": registry_birth_date.strftime("%d-%m-%Y")}
        )
    if registry_sex is not None and registry_sex != sex:
        warnings.append(
            _("The NIK says %(nik_sex)s but the registry says %(reg_sex)s; the NIK stays as issued.")
            % {"nik_sex": Sex(sex).label, "reg_sex": Sex(registry_sex).label}
        )
    return ParsedNumber(nik, kecamatan_code, day, month, year_2d, serial, sex, tuple(warnings))


def parse_kk_number(value: str, *, known_codes: Collection[str] | None = None, today: dt.date | None = None) -> ParsedNumber:
    """Parse a KK number (region of issue, date of issue, serial) or raise NumberError."""
    kk = _digits_only(value, KK_LENGTH, _("KK number"))
    kecamatan_code, warnings = _region_part(kk, _("KK number"), known_codes)
    day, month, year_2d = int(kk[6:8]), int(kk[8:10]), int(kk[10:12])
    if day == 0 or day > 31:
        raise NumberError(
            "day_range",
            _("KK number: day %(day)s of the issue date is out of range 01–31 (a KK date has no +40).") % {"day": kk[6:8]},
        )
    _check_date(day, month, year_2d, _("KK number"), kk[6:8])
    serial = _check_serial(kk, _("KK number"))
    parsed = ParsedNumber(kk, kecamatan_code, day, month, year_2d, serial, None, tuple(warnings))
    if today is not None and all(d > today for d in parsed.date_candidates()):
        raise NumberError("future_issue", _("KK number: the issue date lies in the future."))
    return parsed


def nik_prefix(kecamatan_code: str, birth_date: dt.date, sex: str) -> str:
    """The first 12 digits of a NIK: region of issue and birth date (+40 on the day for women)."""
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == Sex.FEMALE else 0)
    return f"{region_codes.compact(kecamatan_code)}{day:02d}{birth_date:%m}{birth_date:%y}"


def kk_prefix(kecamatan_code: str, issued_on: dt.date) -> str:
    return f"{region_codes.compact(kecamatan_code)}{issued_on:%d%m%y}"


def with_serial(prefix: str, serial: int) -> str:
    if not 1 <= serial <= MAX_SERIAL:
        raise NumberError("serial_range", _("Serial %(serial)d is outside 0001–9999.") % {"serial": serial})
    return f"{prefix}{serial:04d}"


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Completed years. Someone born on 29 February turns a year older on 1 March in common years."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def birthday_at_age(birth_date: dt.date, years: int) -> dt.date:
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:  # 29 February in a common year
        return dt.date(birth_date.year + years, 3, 1)


def is_or_was_married(marital_status: str) -> bool:
    return marital_status != MaritalStatus.BELUM_KAWIN


def is_wajib_ktp(
    *,
    birth_date: dt.date,
    marital_status: str,
    on: dt.date,
    citizenship: str = Citizenship.WNI,
    has_kitap: bool = False,
    life_status: str = LifeStatus.HIDUP,
) -> bool:
    """Must hold an e-KTP on `on`: a living citizen (or KITAP holder) aged 17 or older, or who
    is or has been married."""
    if life_status != LifeStatus.HIDUP:
        return False
    if citizenship != Citizenship.WNI and not has_kitap:
        return False
    return age_on(birth_date, on) >= WAJIB_KTP_AGE or is_or_was_married(marital_status)


@dataclass(frozen=True)
class KiaEligibility:
    band: str  # "under_5" or "5_to_17"
    photo_required: bool
    valid_until: dt.date


def kia_eligibility(
    *, birth_date: dt.date, marital_status: str, on: dt.date, citizenship: str = Citizenship.WNI
) -> KiaEligibility | None:
    """KIA (child ID card) for a citizen under 17 who has never married; None when not eligible."""
    if citizenship != Citizenship.WNI or birth_date > on or is_or_was_married(marital_status):
        return None
    age = age_on(birth_date, on)
    if age < KIA_PHOTO_AGE:
        return KiaEligibility("under_5", False, birthday_at_age(birth_date, KIA_PHOTO_AGE))
    if age < WAJIB_KTP_AGE:
        return KiaEligibility("5_to_17", True, birthday_at_age(birth_date, WAJIB_KTP_AGE))
    return None
