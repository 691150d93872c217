"""Read-side queries of the operator pages.

Each page runs a small, fixed number of queries whatever the size of the registry or of the
family: counts are aggregates, related rows come with select_related/prefetch in one go.
Writes never happen here; they go through adminduk.population.actions.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adminduk.population import rules, search
from adminduk.population.choices import Citizenship, LifeStatus, MaritalStatus, Relationship
from adminduk.population.forms import check_neighbourhood_number
from adminduk.population.models import Family, FamilyMember, Resident, ResidentEvent
from adminduk.regions.models import Kecamatan, Kelurahan, Regency

REGION_CHAIN = "kelurahan__kecamatan__regency__province"


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier; 29 February falls back to 28 February.

    Whoever was born on or before this date has completed `years` years on `day`, exactly as
    rules.age_on counts (someone born on 29 February turns a year older on 1 March)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return dt.date(day.year - years, 2, 28)


def wajib_ktp_q(on: dt.date) -> Q:
    """rules.is_wajib_ktp as a database filter: alive, a citizen or KITAP holder, and aged 17
    or older or ever married. tests/web/test_queries.py checks both agree row by row."""
    return (
        Q(life_status=LifeStatus.HIDUP)
        & (Q(citizenship=Citizenship.WNI) | ~Q(kitap_number=""))
        & (Q(birth_date__lte=years_before(on, rules.WAJIB_KTP_AGE)) | ~Q(marital_status=MaritalStatus.BELUM_KAWIN))
    )


@dataclass(frozen=True)
class RegistryFigures:
    area: list[str]
    residents_alive: int
    wajib_ktp: int
    families_active: int
    on: dt.date


def area_names(regency_codes: Iterable[str], kecamatan_codes: Iterable[str]) -> list[str]:
    """Names of the kab/kota and kecamatan of a jurisdiction, for headings (two small queries)."""
    names = list(Regency.objects.filter(code__in=sorted(regency_codes)).values_list("name", flat=True))
    kecamatan = Kecamatan.objects.filter(code__in=sorted(kecamatan_codes)).values_list("name", flat=True)
    return names + [_("Kecamatan %(name)s") % {"name": name} for name in kecamatan]


def registry_figures(residents: QuerySet, families: QuerySet, on: dt.date, area: list[str]) -> RegistryFigures:
    """Headline counts over the residents and families the user may see: two COUNT queries,
    no rows loaded. Pass querysets already limited to the user's jurisdiction."""
    counts = residents.filter(life_status=LifeStatus.HIDUP).aggregate(
        alive=Count("pk"), wajib_ktp=Count("pk", filter=wajib_ktp_q(on))
    )
    families_active = families.filter(status=Family.Status.ACTIVE).count()
    return RegistryFigures(area, counts["alive"], counts["wajib_ktp"], families_active, on)


def active_membership(resident: Resident) -> FamilyMember | None:
    """The resident's row on their active KK, with the KK and its region chain (one query)."""
    return (
        FamilyMember.objects.filter(resident=resident, family__status=Family.Status.ACTIVE)
        .select_related("family__kelurahan__kecamatan__regency__province")
        .first()
    )


@dataclass(frozen=True)
class NikSearch:
    """Outcome of a NIK search: nothing asked yet, an invalid NIK, not found, or found."""

    query: str
    nik: str = ""  # the query as a valid NIK, once it passed the rules
    error: str = ""
    error_code: str = ""
    resident: Resident | None = None
    membership: FamilyMember | None = None
    age: int | None = None

    @property
    def asked(self) -> bool:
        return bool(self.query.strip())

    @property
    def not_found(self) -> bool:
        return self.asked and not self.error and self.resident is None


def search_by_nik(query: str, on: dt.date, residents: QuerySet) -> NikSearch:
    """Validate with the NIK rules first so the operator sees exactly why a NIK is wrong,
    then look the NIK up among `residents` (the user's jurisdiction)."""
    if not query.strip():
        return NikSearch(query)
    try:
        parsed = rules.parse_nik(query)
    except rules.NumberError as exc:
        return NikSearch(query, error=exc.message, error_code=exc.code)
    resident = residents.select_related(REGION_CHAIN).filter(nik=parsed.number).first()
    if resident is None:
        return NikSearch(query, nik=parsed.number)
    return NikSearch(
        query,
        nik=parsed.number,
        resident=resident,
        membership=active_membership(resident),
        age=rules.age_on(resident.birth_date, resident.died_on or on),
    )


@dataclass(frozen=True)
class NameSearch:
    """Outcome of a search by name (and birth date or year): nothing asked yet, an invalid
    query, or the ranked matches (possibly none)."""

    name: str
    birth: str = ""
    error: str = ""
    error_code: str = ""
    result: search.NameSearchResult | None = None
    residents: tuple[Resident, ...] = ()

    @property
    def asked(self) -> bool:
        return bool(self.name.strip() or self.birth.strip())

    @property
    def not_found(self) -> bool:
        return self.result is not None and not self.residents


def search_by_name(name: str, birth: str, on: dt.date, residents: QuerySet, areas: Iterable[str] = ()) -> NameSearch:
    """Rank the residents (the user's jurisdiction, covering `areas`) whose name matches; two
    queries besides the index lookup: candidates, then the shown rows with their kelurahan and
    kecamatan."""
    if not (name.strip() or birth.strip()):
        return NameSearch(name, birth)
    try:
        query = search.parse_query(name, birth, today=on)
    except search.SearchError as exc:
        return NameSearch(name, birth, error=exc.message, error_code=exc.code)
    result = search.search_names(residents, query, areas=areas)
    ids = [m.resident_id for m in result.matches]
    rows = residents.filter(pk__in=ids).select_related("kelurahan__kecamatan").in_bulk()
    return NameSearch(name, birth, result=result, residents=tuple(rows[pk] for pk in ids if pk in rows))


@dataclass(frozen=True)
class KkSearch:
    """Outcome of a search by KK number."""

    query: str
    kk_number: str = ""
    error: str = ""
    error_code: str = ""
    family: Family | None = None
    members: "tuple[MemberRow, ...]" = ()

    @property
    def asked(self) -> bool:
        return bool(self.query.strip())

    @property
    def not_found(self) -> bool:
        return self.asked and not self.error and self.family is None


def search_by_kk(query: str, on: dt.date, families: QuerySet) -> KkSearch:
    """Validate with the KK rules, then look the KK up among `families` (the jurisdiction)."""
    if not query.strip():
        return KkSearch(query)
    try:
        parsed = rules.parse_kk_number(query.strip())
    except rules.NumberError as exc:
        return KkSearch(query, error=exc.message, error_code=exc.code)
    family = families.select_related(REGION_CHAIN).filter(kk_number=parsed.number).first()
    if family is None:
        return KkSearch(query, kk_number=parsed.number)
    return KkSearch(query, kk_number=parsed.number, family=family, members=tuple(member_rows(family, on)))


@dataclass(frozen=True)
class MemberRow:
    member: FamilyMember
    resident: Resident
    age: int


def member_rows(family: Family, on: dt.date) -> list[MemberRow]:
    """Members of a KK, head first, then by SHDK and age (one query)."""
    members = family.members.select_related("resident").order_by("relationship", "resident__birth_date", "resident__nik")
    return [MemberRow(m, m.resident, rules.age_on(m.resident.birth_date, m.resident.died_on or on)) for m in members]


@dataclass(frozen=True)
class ResidentDetail:
    resident: Resident
    on: dt.date
    age: int
    parsed_nik: rules.ParsedNumber | None
    nik_error: str
    nik_kecamatan: Kecamatan | None
    membership: FamilyMember | None
    members: list[MemberRow]
    events: list[ResidentEvent]
    event_kelurahan: dict[str, Kelurahan]


def resident_detail(nik: str, on: dt.date, residents: QuerySet) -> ResidentDetail:
    """Everything the detail page shows, in at most six queries. Http404 for a NIK that is not
    among `residents`, so a record outside the user's jurisdiction looks like an unknown one."""
    resident = residents.select_related(REGION_CHAIN).filter(nik=nik).first()
    if resident is None:
        raise Http404(f"No resident with NIK {nik}")
    try:
        parsed, nik_error = resident.parsed_nik(), ""
    except rules.NumberError as exc:
        # Imported records may carry a NIK the rules reject; the page still shows the record.
        parsed, nik_error = None, exc.message
    nik_kecamatan = None
    if parsed is not None:
        nik_kecamatan = Kecamatan.objects.select_related("regency").filter(code=parsed.kecamatan_code).first()
    membership = active_membership(resident)
    members = member_rows(membership.family, on) if membership else []
    events = list(
        resident.events.select_related("recorded_by").order_by("-occurred_on", "-recorded_at", "-id")
    )
    return ResidentDetail(
        resident=resident,
        on=on,
        age=rules.age_on(resident.birth_date, resident.died_on or on),
        parsed_nik=parsed,
        nik_error=nik_error,
        nik_kecamatan=nik_kecamatan,
        membership=membership,
        members=members,
        events=events,
        event_kelurahan=_kelurahan_in_events(events),
    )


def _kelurahan_in_events(events: list[ResidentEvent]) -> dict[str, Kelurahan]:
    """Names for the kelurahan codes kept in the history (one query, only if there are any)."""
    codes = set()
    for event in events:
        for value in (event.changes or {}).get("kelurahan", []):
            if value:
                codes.add(value)
    if not codes:
        return {}
    return {k.code: k for k in Kelurahan.objects.filter(code__in=codes)}


@dataclass(frozen=True)
class FamilyDetail:
    family: Family
    head: Resident | None
    members: list[MemberRow]
    supersedes: list[str]
    on: dt.date


def family_detail(kk_number: str, on: dt.date, families: QuerySet) -> FamilyDetail:
    """A KK with its members and the KKs it replaced, in three queries; Http404 for a KK
    that is not among `families` (the user's jurisdiction)."""
    family = families.select_related(REGION_CHAIN, "superseded_by").filter(kk_number=kk_number).first()
    if family is None:
        raise Http404(f"No KK with number {kk_number}")
    members = member_rows(family, on)
    head = next((row.resident for row in members if row.member.relationship == Relationship.KEPALA_KELUARGA), None)
    supersedes = list(family.supersedes.order_by("-issued_on").values_list("kk_number", flat=True))
    return FamilyDetail(family, head, members, supersedes, on)


def kelurahan_in(scope) -> QuerySet:
    """Kelurahan/desa inside a jurisdiction (for choosers)."""
    return Kelurahan.objects.filter(scope.q("kecamatan")).select_related("kecamatan").order_by("code")


class ResidentExportForm(forms.Form):
    kelurahan = forms.ModelChoiceField(label=gettext_lazy("kelurahan/desa"), queryset=Kelurahan.objects.none())
    rw = forms.CharField(label="RW", required=False, max_length=8)
    rt = forms.CharField(label="RT", required=False, max_length=8)

    def __init__(self, *args, kelurahan: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].queryset = kelurahan

    def clean_rw(self):
        value = self.cleaned_data["rw"]
        return check_neighbourhood_number(value, "RW") if value else ""

    def clean_rt(self):
        value = self.cleaned_data["rt"]
        return check_neighbourhood_number(value, "RT") if value else ""

    def clean(self):
        data = super().clean()
        if data.get("rt") and not data.get("rw"):
            self.add_error("rw", _("Choose the RW of the RT."))
        return data


def export_residents(residents: QuerySet, data: dict) -> QuerySet:
    residents = residents.filter(kelurahan=data["kelurahan"], life_status="hidup")
    if data.get("rw"):
        residents = residents.filter(rw=data["rw"])
    if data.get("rt"):
        residents = residents.filter(rt=data["rt"])
    return residents.select_related("kelurahan").order_by("rw", "rt", "address", "nik")


EXPORT_HEADER = ["nik", "nama_lengkap", "jenis_kelamin", "tempat_lahir", "tanggal_lahir", "alamat", "rt", "rw", "kelurahan", "status_perkawinan"]


def export_rows(residents: QuerySet):
    yield EXPORT_HEADER
    for r in residents.iterator(chunk_size=2000):
        yield [r.nik, r.full_name, r.sex, r.birth_place, r.birth_date.isoformat(), r.address, r.rt, r.rw, r.kelurahan.name, r.marital_status]
