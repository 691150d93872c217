"""Shaping registry records for the operator pages: labels from the models' verbose names
(translated by the catalogue), choice labels, and dates as DD-MM-YYYY, the form printed on the
KTP and KK that operators compare against."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from adminduk.population import rules
from adminduk.population.choices import Citizenship, LifeStatus
from adminduk.population.forms import RESIDENT_DATA_FIELDS
from adminduk.population.models import Family, FamilyMember, Resident, ResidentEvent
from adminduk.regions.models import Kecamatan, Kelurahan, Province, Regency

EMPTY = "—"
DATE_FORMAT = "%d-%m-%Y"
# History entries list their fields in registry order (JSON keys come back in any order on PostgreSQL).
CHANGE_ORDER = ["nik", *RESIDENT_DATA_FIELDS, "life_status", "died_on", "kk_number", "relationship"]


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    mono: bool = False  # numbers and codes, shown in a fixed-width font
    url: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    before_url: str = ""
    after_url: str = ""


@dataclass(frozen=True)
class Status:
    """A yes/no answer with the reason behind it."""

    yes: bool
    summary: str
    detail: str


def format_date(value: dt.date | str | None) -> str:
    if not value:
        return EMPTY
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime(DATE_FORMAT)


def region_name(region) -> str:
    return f"{region.name} ({region.code})" if region is not None else EMPTY


def _label(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _field_value(model, name: str, value) -> str:
    if value is None or value == "":
        return EMPTY
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.get_internal_type() == "DateField":
        return format_date(value)
    return str(value)


def resident_row(resident: Resident, name: str, *, mono: bool = False) -> Row:
    return Row(_label(Resident, name), _field_value(Resident, name, getattr(resident, name)), mono=mono)


def address_rows(record: Resident | Family) -> list[Row]:
    """Address, RT/RW and the region chain down from the record's kelurahan (already joined)."""
    kelurahan = record.kelurahan
    kecamatan = kelurahan.kecamatan
    regency = kecamatan.regency
    return [
        Row(_label(type(record), "address"), record.address or EMPTY),
        Row("RT/RW", f"{record.rt}/{record.rw}", mono=True),
        Row(capfirst(str(Kelurahan._meta.verbose_name)), region_name(kelurahan)),
        Row(capfirst(str(Kecamatan._meta.verbose_name)), region_name(kecamatan)),
        Row(capfirst(str(Regency._meta.verbose_name)), region_name(regency)),
        Row(capfirst(str(Province._meta.verbose_name)), region_name(regency.province)),
    ]


def resident_sections(resident: Resident) -> list[Section]:
    """Every registry field of a resident, grouped as on the KK form."""

    def rows(*names: str) -> list[Row]:
        return [resident_row(resident, name) for name in names]

    return [
        Section(
            _("Identity"),
            [resident_row(resident, "nik", mono=True)]
            + rows("full_name", "sex", "birth_place", "birth_date", "blood_type", "religion")
            + rows("citizenship", "passport_number", "kitap_number"),
        ),
        Section(_("Marriage and parents"), rows("marital_status", "marriage_date", "divorce_date", "father_name", "mother_name")),
        Section(_("Education and occupation"), rows("education", "occupation")),
        Section(_("Address"), address_rows(resident) + rows("phone")),
        Section(_("Life status"), rows("life_status", "died_on")),
    ]


def family_rows(family: Family) -> list[Row]:
    """The KK header: number, date of issue, status, address and region chain."""
    status = Row(_label(Family, "status"), family.get_status_display())
    rows = [
        Row(_label(Family, "kk_number"), family.kk_number, mono=True),
        Row(_label(Family, "issued_on"), format_date(family.issued_on)),
        status,
    ]
    if family.superseded_by_id:
        superseded_by = family.superseded_by.kk_number
        rows.append(
            Row(_label(Family, "superseded_by"), superseded_by, mono=True, url=reverse("web:family_detail", args=[superseded_by]))
        )
    rows += address_rows(family)
    rows.append(Row(_label(Family, "postal_code"), family.postal_code or EMPTY, mono=True))
    return rows


def nik_rows(parsed: rules.ParsedNumber, kecamatan: Kecamatan | None) -> list[Row]:
    """The parts of a NIK: where it was issued, the birth-date part, sex and serial."""
    number = parsed.number
    issued_at = parsed.kecamatan_code
    if kecamatan is not None:
        issued_at = f"{kecamatan.code} {kecamatan.name} ({kecamatan.regency.name})"
    date_part = f"{number[6:8]}-{number[8:10]}-{number[10:12]}"
    if parsed.sex == "P":
        date_part += " " + _("(day %(day)02d + 40)") % {"day": parsed.day}
    sex_label = dict(Resident._meta.get_field("sex").flatchoices).get(parsed.sex, parsed.sex)
    return [
        Row(_("Kecamatan of issue"), issued_at),
        Row(_("Date part (DD-MM-YY)"), date_part, mono=True),
        Row(_("Sex according to the NIK"), str(sex_label)),
        Row(_("Serial"), f"{parsed.serial:04d}", mono=True),
    ]


def wajib_ktp_status(resident: Resident, on: dt.date) -> Status:
    """Whether the resident must hold an e-KTP on `on` (rules.is_wajib_ktp) and why."""
    required = resident.is_wajib_ktp(on)
    age = rules.age_on(resident.birth_date, on)
    if resident.life_status != LifeStatus.HIDUP:
        return Status(False, _("No"), _("Not a living resident (%(status)s).") % {"status": resident.get_life_status_display()})
    if resident.citizenship != Citizenship.WNI and not resident.kitap_number:
        return Status(False, _("No"), _("A foreign citizen without a KITAP does not hold an e-KTP."))
    if required and age >= rules.WAJIB_KTP_AGE:
        return Status(True, _("Yes"), _("Aged %(age)d, 17 or older.") % {"age": age})
    if required:
        return Status(True, _("Yes"), _("Under 17 but is or has been married."))
    turns_17 = rules.birthday_at_age(resident.birth_date, rules.WAJIB_KTP_AGE)
    return Status(
        False,
        _("Not yet"),
        _("Under 17 and never married; wajib KTP from %(date)s.") % {"date": format_date(turns_17)},
    )


def kia_status(resident: Resident, on: dt.date) -> Status:
    """KIA eligibility (rules.kia_eligibility) for a living resident, with band and validity."""
    if resident.life_status != LifeStatus.HIDUP:
        return Status(False, _("No"), _("Not a living resident (%(status)s).") % {"status": resident.get_life_status_display()})
    kia = rules.kia_eligibility(
        birth_date=resident.birth_date, marital_status=resident.marital_status, on=on, citizenship=resident.citizenship
    )
    if kia is None:
        return Status(False, _("No"), _("KIA is for citizens under 17 who have never married."))
    if kia.photo_required:
        detail = _("Aged 5 to under 17: KIA with photo, valid until %(date)s.")
    else:
        detail = _("Under 5: KIA without photo, valid until %(date)s.")
    return Status(True, _("Yes"), detail % {"date": format_date(kia.valid_until)})


def _change_label(name: str) -> str:
    if name == "kk_number":
        return _label(Family, "kk_number")
    if name == "relationship":
        return _label(FamilyMember, "relationship")
    try:
        return _label(Resident, name)
    except FieldDoesNotExist:  # a field removed since the entry was written: show its stored name
        return name


def _change_value(name: str, value, kelurahan: dict[str, Kelurahan]) -> tuple[str, str]:
    """Display text and link for one stored value of a history entry."""
    if value is None or value == "":
        return EMPTY, ""
    if name == "kk_number":
        return str(value), reverse("web:family_detail", args=[value])
    if name == "relationship":
        return _field_value(FamilyMember, "relationship", value), ""
    if name == "kelurahan":
        return (region_name(kelurahan[value]) if value in kelurahan else str(value)), ""
    try:
        return _field_value(Resident, name, value), ""
    except FieldDoesNotExist:  # see _change_label
        return str(value), ""


def event_changes(event: ResidentEvent, kelurahan: dict[str, Kelurahan]) -> list[Change]:
    """The before → after pairs of a history entry, in registry field order."""
    changes = event.changes or {}
    order = {name: i for i, name in enumerate(CHANGE_ORDER)}
    result = []
    for name in sorted(changes, key=lambda n: (order.get(n, len(order)), n)):
        pair = changes[name]
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        before_text, before_url = _change_value(name, before, kelurahan)
        after_text, after_url = _change_value(name, after, kelurahan)
        result.append(Change(_change_label(name), before_text, after_text, before_url, after_url))
    return result
