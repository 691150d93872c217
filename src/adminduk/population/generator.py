"""Synthetic population of a kota: Kartu Keluarga with plausible members, written in bulk.

The result looks like an existing registry being imported (no ResidentEvent rows): households
of every common shape (single people, couples with children, a grandparent or other relatives,
widowed and divorced heads), an Indonesian age/sex pyramid, names from Faker's id_ID lists,
NIKs and KK numbers that pass population.rules, and RT/RW rows for every address used.

Speed matters (a million residents in under a minute), so people are plain tuples of column
values, never model instances: a _Synthesizer builds them chunk by chunk (in a forked process
where possible, so generating and writing overlap on two cores) and a writer stores each chunk
with COPY on PostgreSQL or executemany on SQLite, one transaction per chunk. PostgreSQL does its
share of the work in its own server processes, so there two connections write chunks at once.

generate_population() is the entry point; `adminduk generate` and the demo call it, and
bench/generate.py measures it.
"""

import datetime as dt
import hashlib
import multiprocessing
import pickle
import time
import traceback
from bisect import bisect
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from random import Random

from django.db import connection, transaction
from django.utils import timezone

from adminduk.regions import codes as region_codes
from adminduk.regions.models import Kecamatan, Kelurahan, Regency, RukunTetangga, RukunWarga

from . import name_index, rules
from .choices import (
    BloodType,
    Citizenship,
    Education,
    LifeStatus,
    MaritalStatus,
    Occupation,
    Relationship,
    Religion,
    Sex,
)
from .models import Family, FamilyMember, Resident, SerialCounter

# Residents per chunk: large enough that per-transaction costs vanish, small enough that two
# chunks in flight stay far below the memory budget.
CHUNK_RESIDENTS = 75_000

YEAR = 365.2425  # days

# The columns written, in row order (names of model fields; db columns come from _meta).
RESIDENT_FIELDS = (
    "id", "nik", "full_name", "birth_place", "birth_date", "sex", "blood_type", "religion",
    "marital_status", "marriage_date", "divorce_date", "occupation", "education", "citizenship",
    "passport_number", "kitap_number", "father_name", "mother_name", "kelurahan", "rw", "rt",
    "address", "phone", "life_status", "died_on", "created_at", "updated_at",
)  # fmt: skip
FAMILY_FIELDS = (
    "id", "kk_number", "kelurahan", "rw", "rt", "address", "postal_code", "issued_on", "status",
    "superseded_by", "created_at", "updated_at",
)  # fmt: skip
MEMBER_FIELDS = ("family", "resident", "relationship")
COUNTER_FIELDS = ("kind", "prefix", "last_serial")
COUNTER_NIK, COUNTER_KK = SerialCounter.Kind.NIK.value, SerialCounter.Kind.KK.value


@dataclass(frozen=True)
class GenerationResult:
    residents: int
    families: int
    seconds: float

    @property
    def residents_per_second(self) -> float:
        return self.residents / self.seconds if self.seconds else 0.0


# --- Distributions -------------------------------------------------------------------------
# Figures are rounded from BPS publications for Kota Palu / Sulawesi Tengah where they exist
# (religion, household size, age structure) and are plausible guesses elsewhere.


def _table(pairs):
    """(values, cumulative probabilities) for picking with bisect(cumulative, random())."""
    total = float(sum(w for _v, w in pairs))
    cumulative, running = [], 0.0
    for _v, w in pairs:
        running += w
        cumulative.append(running / total)
    cumulative[-1] = 1.0 + 1e-9  # random() < 1.0 always lands inside
    return tuple(v for v, _w in pairs), tuple(cumulative)


def _bands(triples):
    """Age bands (low, high, weight) in years -> table of (low, width)."""
    return _table([((lo, hi - lo), w) for lo, hi, w in triples])


class Household:
    COUPLE = "couple"
    SINGLE_YOUNG = "single_young"
    WIDOWED_ALONE = "widowed_alone"
    DIVORCED_ALONE = "divorced_alone"
    WIDOWED_PARENT = "widowed_parent"
    DIVORCED_PARENT = "divorced_parent"


HOUSEHOLD_TYPES = _table(
    [
        (Household.COUPLE, 70.0),
        (Household.SINGLE_YOUNG, 9.0),
        (Household.WIDOWED_ALONE, 4.0),
        (Household.DIVORCED_ALONE, 1.5),
        (Household.WIDOWED_PARENT, 10.5),
        (Household.DIVORCED_PARENT, 5.0),
    ]
)
# Age of the husband in couple households.
COUPLE_HEAD_AGE = _bands(
    [(20, 25, 4), (25, 30, 10), (30, 35, 13), (35, 40, 14), (40, 45, 13), (45, 50, 12), (50, 55, 10),
     (55, 60, 8), (60, 65, 6), (65, 70, 4.5), (70, 75, 3), (75, 88, 2.5)]
)  # fmt: skip
WIDOWED_HEAD_AGE = _bands([(30, 40, 5), (40, 50, 12), (50, 60, 22), (60, 70, 28), (70, 80, 22), (80, 92, 11)])
DIVORCED_HEAD_AGE = _bands([(24, 30, 15), (30, 40, 35), (40, 50, 30), (50, 65, 20)])
SINGLE_YOUNG_AGE = _bands([(18, 22, 25), (22, 26, 35), (26, 32, 25), (32, 45, 15)])
WIDOWED_ALONE_AGE = _bands([(55, 65, 20), (65, 75, 40), (75, 85, 30), (85, 95, 10)])
DIVORCED_ALONE_AGE = _bands([(28, 40, 35), (40, 55, 40), (55, 70, 25)])
# How much older the husband is than the wife, in years.
SPOUSE_GAP = _bands([(-3, 0, 6), (0, 2, 20), (2, 4, 28), (4, 6, 22), (6, 9, 16), (9, 14, 8)])
WIFE_MARRIAGE_AGE = _bands([(17, 19, 10), (19, 22, 30), (22, 25, 30), (25, 30, 22), (30, 38, 8)])
# Children ever born, by the mother's birth cohort (older cohorts had more).
CHILDREN_BORN = (
    (1960, _table(list(enumerate([1, 3, 8, 14, 18, 18, 14, 10, 8, 6])))),
    (1980, _table(list(enumerate([4, 8, 22, 28, 19, 10, 6, 3])))),
    (9999, _table(list(enumerate([6, 17, 38, 25, 9, 4, 1])))),
)
# Chance that a child of this age (years) still lives on the parents' KK.
CHILD_STAYS = ((17, 1.0), (22, 0.92), (26, 0.72), (31, 0.45), (41, 0.2), (200, 0.06))
MINIMUM_MARRIAGE_AGE = {Sex.MALE: 19.0, Sex.FEMALE: 17.0}

P_WIFE_IS_HEAD = 0.02  # the wife heads the KK, the husband is SHDK 2 Suami
P_MARRIED_CHILD_STAYS = 0.14  # for heads of 48+: a married child, a menantu and cucu live with them
P_ORANG_TUA = 0.09  # a widowed parent of the head lives with the couple
P_MERTUA = 0.04  # a widowed parent of the wife
P_FAMILI_LAIN = 0.04  # a niece, nephew or cousin
P_PEMBANTU = 0.006  # a live-in domestic helper
P_FAMILY_SURNAME = 0.35  # the father's last name is a family name (marga) the children carry

RELIGIONS = _table(
    [
        (Religion.ISLAM, 86.5),
        (Religion.KRISTEN, 9.0),
        (Religion.KATOLIK, 1.5),
        (Religion.HINDU, 1.6),
        (Religion.BUDDHA, 1.2),
        (Religion.KHONGHUCU, 0.1),
        (Religion.KEPERCAYAAN, 0.1),
    ]
)
# Most KKs say "tidak tahu"; the known ones follow the Indonesian ABO distribution.
BLOOD_TYPES = _table(
    [
        (BloodType.UNKNOWN, 52.0),
        (BloodType.O_POS, 19.0),
        (BloodType.B_POS, 13.0),
        (BloodType.A_POS, 12.3),
        (BloodType.AB_POS, 3.3),
        (BloodType.O_NEG, 0.15),
        (BloodType.A_NEG, 0.1),
        (BloodType.B_NEG, 0.1),
        (BloodType.AB_NEG, 0.05),
    ]
)

_EDUCATION_ORDER = (
    Education.TIDAK_SEKOLAH, Education.BELUM_TAMAT_SD, Education.SD, Education.SLTP, Education.SLTA,
    Education.D1_D2, Education.D3, Education.S1, Education.S2, Education.S3,
)  # fmt: skip
# Highest education of adults (23+) by birth year: each cohort went to school longer.
ADULT_EDUCATION = (
    (1955, _table(list(zip(_EDUCATION_ORDER, [14, 14, 34, 14, 15, 1.5, 2, 5, 0.5, 0.02])))),
    (1970, _table(list(zip(_EDUCATION_ORDER, [6, 8, 24, 17, 28, 2.5, 3.5, 10, 1, 0.1])))),
    (1985, _table(list(zip(_EDUCATION_ORDER, [2, 4, 14, 16, 38, 3, 5, 16, 1.8, 0.2])))),
    (9999, _table(list(zip(_EDUCATION_ORDER, [1, 2, 7, 13, 44, 2.5, 6, 22, 2.3, 0.2])))),
)
YOUTH_EDUCATION = _table(
    [(Education.SD, 5), (Education.SLTP, 12), (Education.SLTA, 78), (Education.D1_D2, 2), (Education.D3, 3)]
)
LOW, MIDDLE, HIGH = 0, 1, 2
EDUCATION_LEVEL = {
    Education.TIDAK_SEKOLAH: LOW, Education.BELUM_TAMAT_SD: LOW, Education.SD: LOW, Education.SLTP: LOW,
    Education.SLTA: MIDDLE,
    Education.D1_D2: HIGH, Education.D3: HIGH, Education.S1: HIGH, Education.S2: HIGH, Education.S3: HIGH,
}  # fmt: skip

_O = Occupation
# Occupation of working-age adults by sex and education level (LOW, MIDDLE, HIGH).
WORKING_OCCUPATION = {
    Sex.MALE: (
        _table([(_O.PETANI, 12), (_O.NELAYAN, 7), (_O.BURUH_HARIAN, 22), (_O.WIRASWASTA, 20), (_O.PEDAGANG, 7),
                (_O.PERDAGANGAN, 3), (_O.SOPIR, 8), (_O.TUKANG, 10), (_O.KARYAWAN_SWASTA, 6),
                (_O.BELUM_BEKERJA, 4), (_O.LAINNYA, 1)]),
        _table([(_O.WIRASWASTA, 24), (_O.KARYAWAN_SWASTA, 20), (_O.BURUH_HARIAN, 9), (_O.PEDAGANG, 6),
                (_O.PERDAGANGAN, 5), (_O.SOPIR, 6), (_O.TUKANG, 3), (_O.TNI, 3), (_O.POLRI, 3.5),
                (_O.KARYAWAN_HONORER, 5), (_O.PNS, 4), (_O.KARYAWAN_BUMN, 2), (_O.PETANI, 3), (_O.NELAYAN, 2),
                (_O.BELUM_BEKERJA, 4), (_O.LAINNYA, 0.5)]),
        _table([(_O.PNS, 24), (_O.KARYAWAN_SWASTA, 20), (_O.WIRASWASTA, 14), (_O.GURU, 7), (_O.DOSEN, 3),
                (_O.DOKTER, 2.5), (_O.PERAWAT, 2), (_O.KARYAWAN_BUMN, 6), (_O.KARYAWAN_HONORER, 8), (_O.TNI, 2),
                (_O.POLRI, 3), (_O.PERDAGANGAN, 3), (_O.BELUM_BEKERJA, 4), (_O.LAINNYA, 1.5)]),
    ),
    Sex.FEMALE: (
        _table([(_O.MENGURUS_RUMAH_TANGGA, 62), (_O.PEDAGANG, 10), (_O.WIRASWASTA, 9), (_O.BURUH_HARIAN, 6),
                (_O.PETANI, 4), (_O.KARYAWAN_SWASTA, 3), (_O.BELUM_BEKERJA, 5), (_O.LAINNYA, 1)]),
        _table([(_O.MENGURUS_RUMAH_TANGGA, 45), (_O.WIRASWASTA, 13), (_O.KARYAWAN_SWASTA, 14), (_O.PEDAGANG, 7),
                (_O.PERDAGANGAN, 3), (_O.KARYAWAN_HONORER, 6), (_O.PNS, 3), (_O.BELUM_BEKERJA, 8),
                (_O.LAINNYA, 1)]),
        _table([(_O.PNS, 24), (_O.GURU, 14), (_O.MENGURUS_RUMAH_TANGGA, 16), (_O.KARYAWAN_SWASTA, 12),
                (_O.KARYAWAN_HONORER, 9), (_O.BIDAN, 5), (_O.PERAWAT, 5), (_O.DOKTER, 2), (_O.DOSEN, 2),
                (_O.WIRASWASTA, 6), (_O.KARYAWAN_BUMN, 3), (_O.BELUM_BEKERJA, 4)]),
    ),
}  # fmt: skip
# From 60 on: pensions for former civil servants, otherwise home or small trade.
ELDERLY_OCCUPATION = {
    Sex.MALE: (
        _table([(_O.BELUM_BEKERJA, 40), (_O.PETANI, 22), (_O.WIRASWASTA, 14), (_O.PEDAGANG, 10), (_O.NELAYAN, 8),
                (_O.PENSIUNAN, 3), (_O.LAINNYA, 3)]),
        _table([(_O.PENSIUNAN, 30), (_O.BELUM_BEKERJA, 30), (_O.WIRASWASTA, 20), (_O.PEDAGANG, 10),
                (_O.PETANI, 7), (_O.LAINNYA, 3)]),
        _table([(_O.PENSIUNAN, 65), (_O.BELUM_BEKERJA, 10), (_O.WIRASWASTA, 15), (_O.DOSEN, 3), (_O.DOKTER, 2),
                (_O.LAINNYA, 5)]),
    ),
    Sex.FEMALE: (
        _table([(_O.MENGURUS_RUMAH_TANGGA, 65), (_O.BELUM_BEKERJA, 22), (_O.PEDAGANG, 9), (_O.PETANI, 4)]),
        _table([(_O.MENGURUS_RUMAH_TANGGA, 55), (_O.PENSIUNAN, 15), (_O.BELUM_BEKERJA, 20), (_O.PEDAGANG, 6),
                (_O.WIRASWASTA, 4)]),
        _table([(_O.PENSIUNAN, 60), (_O.MENGURUS_RUMAH_TANGGA, 25), (_O.BELUM_BEKERJA, 10), (_O.WIRASWASTA, 5)]),
    ),
}  # fmt: skip
P_STUDENT_19_22 = 0.5  # still at school or university (Pelajar/Mahasiswa)

# Places of birth other than the kota itself: mostly Sulawesi, some from elsewhere.
OTHER_BIRTH_PLACES = _table(
    [("DONGGALA", 14), ("SIGI", 8), ("PARIGI", 7), ("POSO", 7), ("TOLI-TOLI", 5), ("LUWUK", 4), ("AMPANA", 2),
     ("BUOL", 2), ("KOLONODALE", 1.5), ("BUNGKU", 1.5), ("MAKASSAR", 9), ("MANADO", 5), ("GORONTALO", 6),
     ("KENDARI", 2.5), ("PALOPO", 2.5), ("PAREPARE", 2.5), ("WATAMPONE", 3), ("SENGKANG", 2), ("PINRANG", 1.5),
     ("MAMUJU", 1.5), ("POLEWALI", 1), ("TERNATE", 1), ("AMBON", 1), ("JAKARTA", 3), ("SURABAYA", 2),
     ("BANDUNG", 1), ("YOGYAKARTA", 1), ("SEMARANG", 1), ("MALANG", 1), ("BALIKPAPAN", 1.5), ("SAMARINDA", 1.5),
     ("DENPASAR", 1), ("MEDAN", 1)]
)  # fmt: skip
P_BORN_ELSEWHERE_ADULT = 0.3
P_BORN_ELSEWHERE_CHILD = 0.05
# Adults with a mobile number on file (sign-in codes, appointment messages); children have none.
P_ADULT_HAS_PHONE = 0.85
MOBILE_PREFIXES = (
    "811", "812", "813", "821", "822", "823", "851", "852", "853", "814", "815", "816", "855", "856", "857",
    "858", "817", "818", "819", "859", "877", "878", "895", "896", "897", "898", "899", "881", "882", "883",
)  # fmt: skip
P_BORN_ELSEWHERE_NIK_ELSEWHERE = 0.85  # a NIK from another region usually means born there too
P_NIK_ELSEWHERE = 0.10  # adults whose NIK was issued outside the kota (they moved in)
P_NIK_OTHER_KECAMATAN = 0.05  # issued in another kecamatan of the kota (moved within it)
P_NIK_SAME_PROVINCE = 0.55  # of those from outside the kota: from the same province

# Streets of Kota Palu; any kota gets them (plausible Indonesian street names everywhere).
STREETS = (
    "KIMAJA", "TOWUA", "TANJUNG MANIMBAYA", "BASUKI RAHMAT", "DEWI SARTIKA", "MOH. HATTA", "SAM RATULANGI",
    "DIPONEGORO", "GAJAH MADA", "HASANUDDIN", "IR. H. JUANDA", "WOLTER MONGINSIDI", "EMMY SAELAN", "SETIA BUDI",
    "TANJUNG DAKO", "KARTINI", "VETERAN", "SIS ALJUFRI", "CUT MUTIA", "JABAL NUR", "ANOA", "RUSA", "KIJANG",
    "MALEO", "CENDRAWASIH", "GARUDA", "RAJAWALI", "MERPATI", "KAKATUA", "TADULAKO", "SOEKARNO HATTA",
    "TRANS SULAWESI", "DR. SUHARSO", "LASOSO", "PADANJAKAYA", "KEDONDONG", "DURIAN", "MANGGA", "NANGKA", "JAMBU",
    "MANGGIS", "CIK DITIRO", "THAMRIN", "YOS SUDARSO", "R.E. MARTADINATA", "MALONDA", "KEMIRI", "MUNIF RAHMAN",
    "TOMBOLOTUTU", "BANTENG", "ASAM", "TERATAI", "ANGGREK", "FLAMBOYAN", "MAWAR", "MELATI", "CEMPAKA", "CEMARA",
    "BERINGIN", "KELAPA", "PATTIMURA", "IMAM BONJOL", "RADEN SALEH", "ABD. RAHMAN SALEH", "BALAI KOTA",
    "CENDANA", "TANJUNG SANTIGI", "TANJUNG TURURUKA", "SWADAYA", "MASJID RAYA", "GUNUNG GAWALISE", "JATI",
    "KANGKUNG", "MAHONI", "SUNGAI MANONDA", "SUNGAI WERA", "SUNGAI SAUSU", "PUE BONGO", "DAYO DARA", "ZEBRA",
    "MUTIARA", "PUEBONGO", "DR. WAHIDIN", "AHMAD YANI", "SUDIRMAN", "MOH. YAMIN", "UNTAD", "PENGAYOMAN",
)  # fmt: skip
P_LORONG = 0.25  # the RT lies along a lorong (side lane) numbered off the street
HOUSEHOLDS_PER_RT = (30, 80)
RT_PER_RW = (3, 9)


def _name_parts():
    """Name lists of Faker's id_ID person provider, uppercase as on the KTP."""
    from faker.providers.person.id_ID import Provider

    def upper(names):
        return tuple(dict.fromkeys(n.upper() for n in names))

    return (
        upper(Provider.first_names_male),
        upper(Provider.first_names_female),
        upper(Provider.last_names_male),
        upper(Provider.last_names_female),
    )


# --- Synthesis -----------------------------------------------------------------------------


@dataclass
class _Neighbourhood:
    """Where the next household of one kelurahan goes."""

    rw: int
    rt: int
    rt_target: int  # RTs this RW gets
    remaining: int = 0  # households still to place in the current RT
    street: str = ""
    house: int = 0


@dataclass
class Chunk:
    """One chunk of generated rows, ready for a writer. Rows are tuples (SQLite) or the bytes
    of a COPY text stream (PostgreSQL)."""

    residents: int = 0
    families: int = 0
    resident_rows: list | bytes = field(default_factory=list)
    family_rows: list | bytes = field(default_factory=list)
    member_rows: list | bytes = field(default_factory=list)
    # (kind, prefix, last serial) for SerialCounter, so numbers.allocate_* continue after ours.
    counter_rows: list | bytes = field(default_factory=list)
    neighbourhoods: list[tuple[str, str, str]] = field(default_factory=list)  # (kelurahan, rw, rt)


@dataclass(frozen=True)
class _Setup:
    """Everything a _Synthesizer needs, read from the database before generating."""

    seed: int
    today: dt.date
    kota_name: str
    kelurahan: tuple[tuple[str, str], ...]  # (kelurahan code, compact kecamatan code)
    kecamatan_elsewhere_same_province: tuple[str, ...]  # compact codes outside the kota
    kecamatan_elsewhere: tuple[str, ...]
    nik_serials: dict[str, int]  # highest serial in use per 12-digit prefix
    kk_serials: dict[str, int]
    counted: frozenset[tuple[str, str]]  # (kind, prefix) of the existing SerialCounter rows
    last_neighbourhood: dict[str, tuple[int, int]]  # kelurahan code -> (highest RW, its highest RT)
    timestamp: str  # created_at/updated_at as the database takes it
    copy_text: bool  # True: PostgreSQL COPY text; False: SQLite parameter tuples


class _Synthesizer:
    """Builds families chunk by chunk. Pure Python on plain values: runs in a forked process.

    Dates are day ordinals (date.toordinal()) until a row is written; the ISO text and NIK/KK
    date parts come from tables indexed by ordinal, which is much faster than date objects.
    """

    def __init__(self, setup: _Setup):
        self.setup = setup
        self.rng = Random(setup.seed)
        self.random = self.rng.random
        self.today = setup.today.toordinal()
        # Nobody is older than 110; the tables cover every date that can occur.
        self.base = self.today - int(111 * YEAR)
        # UUID clock: midnight UTC of today in ms, times 4096 (the counter); reproducible within a day.
        self.uuid_clock = (self.today - dt.date(1970, 1, 1).toordinal()) * 86_400_000 * 4096
        self._date_tables()
        self.male_first, self.female_first, self.male_last, self.female_last = _name_parts()
        self.home_place = setup.kota_name.upper()
        self.kelurahan = setup.kelurahan
        weights = [0.5 + 1.3 * self.random() for _ in self.kelurahan]  # kelurahan differ in size
        self.kelurahan_table = _table(list(zip(range(len(self.kelurahan)), weights)))
        kecamatan = sorted({kec for _code, kec in self.kelurahan})
        self.other_kecamatan = {kec: tuple(k for k in kecamatan if k != kec) or (kec,) for kec in kecamatan}
        self.neighbourhoods = []
        for code, _kec in self.kelurahan:
            rw, rt = setup.last_neighbourhood.get(code, (1, 0))
            self.neighbourhoods.append(_Neighbourhood(rw, rt, max(rt, self.rng.randint(*RT_PER_RW))))
        self.nik_serials = dict(setup.nik_serials)
        self.kk_serials = dict(setup.kk_serials)
        self.serial_text = tuple(f"{n:04d}" for n in range(rules.MAX_SERIAL + 1))
        null = "\\N" if setup.copy_text else None
        self.null = null
        self.relationship_value = {rel: (str(rel.value) if setup.copy_text else rel.value) for rel in Relationship}
        self.value = {
            member: member.value
            for choices in (Sex, BloodType, Religion, MaritalStatus, Occupation, Education)
            for member in choices
        }
        self.blood_types = (tuple(blood.value for blood in BLOOD_TYPES[0]), BLOOD_TYPES[1])
        self.wni, self.hidup = Citizenship.WNI.value, LifeStatus.HIDUP.value
        self.family_active = Family.Status.ACTIVE.value

    def _date_tables(self):
        isos, years, male, female = [], [], [], []
        for ordinal in range(self.base, self.today + 1):
            day = dt.date.fromordinal(ordinal)
            isos.append(day.isoformat())
            years.append(day.year)
            ddmmyy = day.strftime("%d%m%y")
            male.append(ddmmyy)
            female.append(f"{day.day + rules.FEMALE_DAY_OFFSET:02d}{ddmmyy[2:]}")
        self.iso, self.year = isos, years
        self.nik_date = {Sex.MALE: male, Sex.FEMALE: female}
        self.kk_date = male  # a KK date has no +40

    # Small helpers; `years` are floats, dates are ordinals.

    def pick(self, table):
        return table[0][bisect(table[1], self.random())]

    def years_between(self, band_table) -> float:
        low, width = self.pick(band_table)
        return low + width * self.random()

    def born_aged(self, years: float) -> int:
        return self.today - int(years * YEAR) - int(self.random() * 30)

    def phone(self) -> str:
        """A mobile number in E.164 on a real Indonesian operator prefix (0811..., 0857..., ...)."""
        return f"+62{MOBILE_PREFIXES[int(self.random() * len(MOBILE_PREFIXES))]}{10_000_000 + int(self.random() * 90_000_000)}"

    def uuid_hex(self) -> str:
        # A time-ordered UUID (version 7 layout: milliseconds since 1970, a 12-bit counter, 62
        # random bits) from our own seeded generator: uuid4() would not be reproducible, and
        # random keys scatter the inserts over every index holding them (twice the write time).
        self.uuid_clock = clock = self.uuid_clock + 1
        high = ((clock >> 12) << 16) | 0x7000 | (clock & 0xFFF)  # version nibble 7
        return "%032x" % ((high << 64) | self.rng.getrandbits(62) | (0x2 << 62))  # variant bits 10

    def full_name(self, sex: str, surname: str | None = None) -> str:
        # Called twice or more per resident (parents' names): first names picked inline.
        random = self.random
        names = self.male_first if sex == Sex.MALE else self.female_first
        first = names[int(random() * len(names))]
        roll = random()
        if surname:
            return f"{first} {surname}" if roll < 0.7 else f"{first} {names[int(random() * len(names))]} {surname}"
        if roll < 0.25:
            return first
        if roll < 0.4:
            return f"{first} {names[int(random() * len(names))]}"
        lasts = self.female_last if sex == Sex.FEMALE and roll < 0.75 else self.male_last
        last = lasts[int(random() * len(lasts))]
        if roll < 0.88:
            return f"{first} {last}"
        return f"{first} {names[int(random() * len(names))]} {last}"

    # --- Households: lists of person specs --------------------------------------------------
    # A person spec is (sex, born, name, marital status, married, divorced, father, mother, SHDK);
    # the spec of the head comes first.

    def household(self) -> list[tuple]:
        kind = self.pick(HOUSEHOLD_TYPES)
        if kind == Household.COUPLE:
            return self.couple_household()
        if kind == Household.SINGLE_YOUNG:
            sex = Sex.MALE if self.random() < 0.65 else Sex.FEMALE
            born = self.born_aged(self.years_between(SINGLE_YOUNG_AGE))
            return [self.unrelated(sex, born, Relationship.KEPALA_KELUARGA, MaritalStatus.BELUM_KAWIN)]
        if kind == Household.WIDOWED_ALONE:
            sex = Sex.FEMALE if self.random() < 0.78 else Sex.MALE
            born = self.born_aged(self.years_between(WIDOWED_ALONE_AGE))
            return [self.unrelated(sex, born, Relationship.KEPALA_KELUARGA, MaritalStatus.CERAI_MATI)]
        if kind == Household.DIVORCED_ALONE:
            sex = Sex.MALE if self.random() < 0.55 else Sex.FEMALE
            born = self.born_aged(self.years_between(DIVORCED_ALONE_AGE))
            return [self.unrelated(sex, born, Relationship.KEPALA_KELUARGA, MaritalStatus.CERAI_HIDUP)]
        if kind == Household.WIDOWED_PARENT:
            return self.single_parent_household(MaritalStatus.CERAI_MATI)
        return self.single_parent_household(MaritalStatus.CERAI_HIDUP)

    def unrelated(self, sex, born, relationship, status, *, father=None, mother=None) -> tuple:
        """Someone whose parents are not in the registry; dates fit the marital status."""
        married = divorced = None
        if status != MaritalStatus.BELUM_KAWIN:
            married = self.marriage_after(born, sex)
            if status == MaritalStatus.CERAI_HIDUP:
                divorced = married + int((1 + 14 * self.random()) * YEAR)
                if divorced >= self.today:
                    divorced = married + int((self.today - married) * self.random())
        return (
            sex, born, self.full_name(sex), status, married, divorced,
            father or self.full_name(Sex.MALE), mother or self.full_name(Sex.FEMALE), relationship,
        )  # fmt: skip

    def marriage_after(self, born: int, sex: str, *, not_before: int = 0) -> int:
        """A marriage date when this person was of age, before today."""
        earliest = max(born + int((MINIMUM_MARRIAGE_AGE[sex] + 0.01) * YEAR) + 1, not_before)
        at = born + int(self.years_between(WIFE_MARRIAGE_AGE) * YEAR) + (int(3 * YEAR) if sex == Sex.MALE else 0)
        latest = self.today - 30
        if at < earliest or at > latest:
            at = earliest + int((latest - earliest) * self.random() * 0.5)
        return at

    def couple(self, head_age_table):
        """A husband and wife, their marriage date and the birth dates of their children."""
        husband_age = self.years_between(head_age_table)
        wife_age = max(husband_age - self.years_between(SPOUSE_GAP), 18.0 + self.random())
        husband_born, wife_born = self.born_aged(husband_age), self.born_aged(wife_age)
        married = self.marriage_after(wife_born, Sex.FEMALE, not_before=husband_born + int(19.01 * YEAR) + 1)
        births = self.births(wife_born, married, self.today)
        return husband_born, wife_born, married, births

    def births(self, mother_born: int, married: int, until: int) -> list[int]:
        mother_year = self.year[mother_born - self.base]
        for before, table in CHILDREN_BORN:
            if mother_year < before:
                wanted = self.pick(table)
                break
        last_possible = min(until, mother_born + int(44 * YEAR))
        births, at = [], married + 280 + int(2.5 * YEAR * self.random())
        while len(births) < wanted and at <= last_possible:
            births.append(at)
            at += int((1.3 + 4 * self.random()) * YEAR)
        return births

    def stays_home(self, born: int) -> bool:
        age = (self.today - born) / YEAR
        for below, chance in CHILD_STAYS:
            if age < below:
                return chance >= 1.0 or self.random() < chance
        return False

    def children(self, births, father_name, mother_name, surname) -> list[tuple]:
        found = []
        for born in births:
            sex = Sex.MALE if self.random() < 0.51 else Sex.FEMALE
            found.append(
                (sex, born, self.full_name(sex, surname), MaritalStatus.BELUM_KAWIN, None, None,
                 father_name, mother_name, Relationship.ANAK)
            )  # fmt: skip
        return found

    def surname_of(self, name: str) -> str | None:
        parts = name.rsplit(" ", 1)
        return parts[1] if len(parts) == 2 and self.random() < P_FAMILY_SURNAME else None

    def couple_household(self) -> list[tuple]:
        husband_born, wife_born, married, births = self.couple(COUPLE_HEAD_AGE)
        husband_name, wife_name = self.full_name(Sex.MALE), self.full_name(Sex.FEMALE)
        husband_parents = (self.full_name(Sex.MALE), self.full_name(Sex.FEMALE))
        wife_parents = (self.full_name(Sex.MALE), self.full_name(Sex.FEMALE))
        extra = []
        head_age = (self.today - husband_born) / YEAR
        if 25 <= head_age <= 62 and self.random() < P_ORANG_TUA:
            grandparent = self.widowed_parent_of(husband_born)
            husband_parents = self.with_parent(husband_parents, grandparent)
            extra.append(grandparent[:8] + (Relationship.ORANG_TUA,))
        elif 25 <= head_age <= 62 and self.random() < P_MERTUA:
            grandparent = self.widowed_parent_of(wife_born)
            wife_parents = self.with_parent(wife_parents, grandparent)
            extra.append(grandparent[:8] + (Relationship.MERTUA,))
        if self.random() < P_FAMILI_LAIN:
            sex = Sex.MALE if self.random() < 0.5 else Sex.FEMALE
            extra.append(self.unrelated(sex, self.born_aged(6 + 22 * self.random()), Relationship.FAMILI_LAIN,
                                        MaritalStatus.BELUM_KAWIN))  # fmt: skip
        if self.random() < P_PEMBANTU:
            extra.append(self.unrelated(Sex.FEMALE, self.born_aged(18 + 30 * self.random()), Relationship.PEMBANTU,
                                        MaritalStatus.BELUM_KAWIN))  # fmt: skip
        kids = self.children(births, husband_name, wife_name, self.surname_of(husband_name))
        married_child = []
        if head_age >= 48 and kids and self.today - kids[0][1] >= 21 * YEAR and self.random() < P_MARRIED_CHILD_STAYS:
            married_child = self.married_child_with_family(kids.pop(0))
        staying = [kid for kid in kids if self.stays_home(kid[1])] + married_child
        husband = (Sex.MALE, husband_born, husband_name, MaritalStatus.KAWIN, married, None, *husband_parents)
        wife = (Sex.FEMALE, wife_born, wife_name, MaritalStatus.KAWIN, married, None, *wife_parents)
        if self.random() < P_WIFE_IS_HEAD:
            couple = [wife + (Relationship.KEPALA_KELUARGA,), husband + (Relationship.SUAMI,)]
            # SHDK is relative to the head: the husband's parent is her mertua, and hers her orang tua.
            swap = {Relationship.ORANG_TUA: Relationship.MERTUA, Relationship.MERTUA: Relationship.ORANG_TUA}
            extra = [person[:8] + (swap.get(person[8], person[8]),) for person in extra]
        else:
            couple = [husband + (Relationship.KEPALA_KELUARGA,), wife + (Relationship.ISTRI,)]
        return couple + staying + extra

    def widowed_parent_of(self, child_born: int) -> tuple:
        """The widowed father or mother of someone born on child_born (20 to 38 years older)."""
        sex = Sex.FEMALE if self.random() < 0.75 else Sex.MALE
        born = child_born - int((20 + 18 * self.random()) * YEAR)
        born = max(born, self.today - int(98 * YEAR))
        married = self.marriage_after(born, sex)
        married = min(married, child_born - 60)
        return (sex, born, self.full_name(sex), MaritalStatus.CERAI_MATI, married, None,
                self.full_name(Sex.MALE), self.full_name(Sex.FEMALE), None)  # fmt: skip

    @staticmethod
    def with_parent(parents: tuple[str, str], parent: tuple) -> tuple[str, str]:
        return (parent[2], parents[1]) if parent[0] == Sex.MALE else (parents[0], parent[2])

    def married_child_with_family(self, child: tuple) -> list[tuple]:
        """An adult child who married and stayed: the child, the menantu and their children (cucu)."""
        sex, born = child[0], child[1]
        spouse_sex = Sex.FEMALE if sex == Sex.MALE else Sex.MALE
        gap = self.years_between(SPOUSE_GAP)
        spouse_born = born + int(gap * YEAR) if sex == Sex.MALE else born - int(gap * YEAR)
        # Old enough to have married at least a year ago.
        spouse_born = min(spouse_born, self.today - int((MINIMUM_MARRIAGE_AGE[spouse_sex] + 1.5) * YEAR))
        minimum = max(
            born + int((MINIMUM_MARRIAGE_AGE[sex] + 0.01) * YEAR),
            spouse_born + int((MINIMUM_MARRIAGE_AGE[spouse_sex] + 0.01) * YEAR),
        ) + 1
        married = self.marriage_after(born, sex, not_before=minimum)
        spouse_name = self.full_name(spouse_sex)
        married_child = child[:3] + (MaritalStatus.KAWIN, married) + child[5:]
        menantu = (spouse_sex, spouse_born, spouse_name, MaritalStatus.KAWIN, married, None,
                   self.full_name(Sex.MALE), self.full_name(Sex.FEMALE), Relationship.MENANTU)  # fmt: skip
        mother_born = spouse_born if sex == Sex.MALE else born
        father_name, mother_name = (child[2], spouse_name) if sex == Sex.MALE else (spouse_name, child[2])
        cucu = [
            kid[:8] + (Relationship.CUCU,)
            for kid in self.children(self.births(mother_born, married, self.today), father_name, mother_name, None)
        ]
        return [married_child, menantu, *cucu]

    def single_parent_household(self, status: str) -> list[tuple]:
        widowed = status == MaritalStatus.CERAI_MATI
        husband_born, wife_born, married, births = self.couple(WIDOWED_HEAD_AGE if widowed else DIVORCED_HEAD_AGE)
        divorced = None
        if not widowed:
            divorced = min(married + int((1.5 + 13 * self.random()) * YEAR), self.today - 30)
            births = [b for b in births if b <= divorced]
        head_is_mother = self.random() < (0.8 if widowed else 0.7)
        husband_name, wife_name = self.full_name(Sex.MALE), self.full_name(Sex.FEMALE)
        if head_is_mother:
            head = (Sex.FEMALE, wife_born, wife_name)
        else:
            head = (Sex.MALE, husband_born, husband_name)
        head += (status, married, divorced, self.full_name(Sex.MALE), self.full_name(Sex.FEMALE),
                 Relationship.KEPALA_KELUARGA)  # fmt: skip
        kids = self.children(births, husband_name, wife_name, self.surname_of(husband_name))
        return [head] + [kid for kid in kids if self.stays_home(kid[1])]

    # --- Rows -------------------------------------------------------------------------------

    def chunk(self, residents: int) -> Chunk:
        """Exactly `residents` people in whole families (a family that does not fit is redrawn)."""
        chunk = Chunk()
        residents_out, families_out, members_out = [], [], []
        while chunk.residents < residents:
            members = self.household()
            if len(members) > residents - chunk.residents:
                continue
            self.emit(members, residents_out, families_out, members_out, chunk.neighbourhoods)
            chunk.residents += len(members)
            chunk.families += 1
        counters = self.counters_to_raise(residents_out, families_out)
        if self.setup.copy_text:
            chunk.resident_rows = _copy_text(residents_out)
            chunk.family_rows = _copy_text(families_out)
            chunk.member_rows = _copy_text(members_out)
            chunk.counter_rows = _copy_text([(kind, prefix, str(serial)) for kind, prefix, serial in counters])
        else:
            chunk.resident_rows, chunk.family_rows, chunk.member_rows = residents_out, families_out, members_out
            chunk.counter_rows = counters
        return chunk

    def counters_to_raise(self, residents_out, families_out) -> list[tuple[str, str, int]]:
        """SerialCounter rows that this chunk passed: (kind, prefix, highest serial now).

        Only prefixes that already have a counter row: numbers.allocate_* takes the highest of
        its counter and of the numbers in the table, so a prefix without a counter row is safe
        already, and a row per prefix would cost nearly one extra row per resident.
        """
        counted = self.setup.counted
        if not counted:
            return []
        counters = []
        kinds = ((COUNTER_NIK, residents_out, self.nik_serials), (COUNTER_KK, families_out, self.kk_serials))
        for kind, rows, serials in kinds:
            used = {row[1][:12] for row in rows}
            counters += [(kind, prefix, serials[prefix]) for prefix in used if (kind, prefix) in counted]
        counters.sort()  # sets iterate in hash order; keep chunks reproducible
        return counters

    def place(self, index: int, neighbourhoods: list) -> tuple[str, str, str]:
        """RW, RT and address for the next household of kelurahan `index`; opens RTs as they fill."""
        here = self.neighbourhoods[index]
        if here.remaining <= 0:
            if here.rt >= here.rt_target:
                here.rw, here.rt, here.rt_target = here.rw + 1, 0, self.rng.randint(*RT_PER_RW)
            here.rt += 1
            here.remaining = self.rng.randint(*HOUSEHOLDS_PER_RT)
            street = STREETS[int(self.random() * len(STREETS))]
            if self.random() < P_LORONG:
                street = f"{street} LRG. {self.rng.randint(1, 12)}"
            here.street, here.house = street, self.rng.randint(0, 40)
            neighbourhoods.append((self.kelurahan[index][0], f"{here.rw:03d}", f"{here.rt:03d}"))
        here.remaining -= 1
        here.house += 1 if self.random() < 0.7 else 2
        return f"{here.rw:03d}", f"{here.rt:03d}", f"JL. {here.street} NO. {here.house}"

    def issue_date(self, youngest_born: int) -> int:
        """The KK was last reissued at some change after the youngest member was born."""
        earliest = max(youngest_born + 14, dt.date(2008, 1, 1).toordinal())
        if earliest >= self.today:
            return youngest_born + int((self.today - youngest_born) * self.random())
        return earliest + int((self.today - earliest) * self.random() ** 2)

    def serial(self, serials: dict, prefix: str) -> str:
        serial = serials.get(prefix, 0) + 1
        if serial > rules.MAX_SERIAL:
            raise rules.NumberError("serials_exhausted", f"All 9999 serials for {prefix} are in use.")
        serials[prefix] = serial
        return prefix + self.serial_text[serial]

    def nik_region(self, home: str, adult: bool) -> str:
        roll = self.random()
        if adult and roll < P_NIK_ELSEWHERE:
            same, other = self.setup.kecamatan_elsewhere_same_province, self.setup.kecamatan_elsewhere
            pool = same if same and (not other or self.random() < P_NIK_SAME_PROVINCE) else other
            if pool:  # empty when only the kota's own regions are loaded
                return pool[int(self.random() * len(pool))]
        if roll < P_NIK_ELSEWHERE + P_NIK_OTHER_KECAMATAN:
            others = self.other_kecamatan[home]
            return others[int(self.random() * len(others))]
        return home

    def education_and_occupation(self, sex: str, born: int) -> tuple[str, str]:
        age = (self.today - born) / YEAR
        if age < 19:
            if age < 5:
                return Education.TIDAK_SEKOLAH, Occupation.BELUM_BEKERJA
            if age < 7:
                education = Education.BELUM_TAMAT_SD if age >= 6 and self.random() < 0.5 else Education.TIDAK_SEKOLAH
            elif age < 13:
                education = Education.BELUM_TAMAT_SD
            elif age < 16:
                education = Education.SD
            else:
                education = Education.SLTP
            return education, Occupation.PELAJAR
        if age < 23:
            education = self.pick(YOUTH_EDUCATION)
            if education != Education.SD and education != Education.SLTP and self.random() < P_STUDENT_19_22:
                return education, Occupation.PELAJAR
        else:
            year = self.year[born - self.base]
            for before, table in ADULT_EDUCATION:
                if year < before:
                    education = self.pick(table)
                    break
        level = EDUCATION_LEVEL[education]
        tables = ELDERLY_OCCUPATION if age >= 60 else WORKING_OCCUPATION
        return education, self.pick(tables[sex][level])

    def emit(self, members, residents_out, families_out, members_out, neighbourhoods):
        # The hot loop: locals instead of attribute look-ups, choice values from a dict
        # (an enum's .value is a slow property).
        random, null, base, iso, value = self.random, self.null, self.base, self.iso, self.value
        timestamp = self.setup.timestamp
        index = bisect(self.kelurahan_table[1], random())
        kelurahan, kecamatan = self.kelurahan[index]
        rw, rt, address = self.place(index, neighbourhoods)
        religion = value[self.pick(RELIGIONS)]
        family_id = self.uuid_hex()
        issued = self.issue_date(max(person[1] for person in members))
        kk_number = self.serial(self.kk_serials, kecamatan + self.kk_date[issued - base])
        families_out.append(
            (family_id, kk_number, kelurahan, rw, rt, address, "", iso[issued - base], self.family_active, null,
             timestamp, timestamp)
        )  # fmt: skip
        adult_from = self.today - int(17 * YEAR)
        blood_values, blood_cumulative = self.blood_types
        nik_date, nik_serials, wni, hidup = self.nik_date, self.nik_serials, self.wni, self.hidup
        for sex, born, name, status, married, divorced, father, mother, relationship in members:
            adult = born <= adult_from
            region = self.nik_region(kecamatan, adult)
            nik = self.serial(nik_serials, region + nik_date[sex][born - base])
            if region != kecamatan and region[:4] != kecamatan[:4] and random() < P_BORN_ELSEWHERE_NIK_ELSEWHERE:
                birth_place = self.pick(OTHER_BIRTH_PLACES)
            elif random() < (P_BORN_ELSEWHERE_ADULT if adult else P_BORN_ELSEWHERE_CHILD):
                birth_place = self.pick(OTHER_BIRTH_PLACES)
            else:
                birth_place = self.home_place
            education, occupation = self.education_and_occupation(sex, born)
            resident_id = self.uuid_hex()
            residents_out.append(
                (resident_id, nik, name, birth_place, iso[born - base], value[sex],
                 blood_values[bisect(blood_cumulative, random())], religion, value[status],
                 iso[married - base] if married else null, iso[divorced - base] if divorced else null,
                 value[occupation], value[education], wni, "", "", father, mother, kelurahan, rw, rt, address,
                 self.phone() if adult and random() < P_ADULT_HAS_PHONE else "", hidup, null, timestamp, timestamp)
            )  # fmt: skip
            members_out.append((family_id, resident_id, self.relationship_value[relationship]))


def _copy_text(rows: list[tuple]) -> bytes:
    """Rows as PostgreSQL COPY text. Generated values never contain tabs, newlines or backslashes
    (NULL is already the \\N marker)."""
    return ("\n".join(["\t".join(row) for row in rows]) + "\n").encode() if rows else b""


# --- Reading the starting point ------------------------------------------------------------


def _place_name(regency_name: str) -> str:
    """'Kota Palu' -> 'Palu': the place of birth as written on a KTP."""
    for prefix in ("Kota Administrasi ", "Kabupaten Administrasi ", "Kota ", "Kabupaten ", "Kab. "):
        if regency_name.startswith(prefix):
            return regency_name[len(prefix) :]
    return regency_name


def _highest_serials(model, field_name: str) -> dict[str, int]:
    """Highest serial in use per 12-digit prefix."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field_name).column)
    with connection.cursor() as cursor:
        # One grouped scan; substr/max work alike on PostgreSQL and SQLite.
        cursor.execute(f"SELECT substr({column}, 1, 12), max({column}) FROM {table} GROUP BY 1")
        return {prefix: int(number[12:16]) for prefix, number in cursor.fetchall()}


def _last_neighbourhoods(kelurahan_codes: list[str]) -> dict[str, tuple[int, int]]:
    """Per kelurahan: the highest RW and the highest RT in it, so new RTs follow the existing ones."""
    highest_rw: dict[str, int] = {}
    rws = RukunWarga.objects.filter(kelurahan_id__in=kelurahan_codes).values_list("kelurahan_id", "number")
    for code, number in rws:
        if number.isdigit():
            highest_rw[code] = max(highest_rw.get(code, 0), int(number))
    last = {code: (rw, 0) for code, rw in highest_rw.items()}
    rows = RukunTetangga.objects.filter(rw__kelurahan_id__in=kelurahan_codes).values_list(
        "rw__kelurahan_id", "rw__number", "number"
    )
    for code, rw, rt in rows:
        if rw.isdigit() and rt.isdigit() and int(rw) == highest_rw.get(code):
            last[code] = (int(rw), max(last[code][1], int(rt)))
    return last


def read_setup(kota_code: str, seed: int = 0) -> _Setup:
    """What generating for `kota_code` (e.g. "72.71") starts from. ValueError when the kota or
    its kelurahan/desa are not loaded."""
    if not (
        region_codes.CODE_PATTERN.match(kota_code)
        and region_codes.level_of(kota_code) == region_codes.Level.KABUPATEN_KOTA
    ):
        raise ValueError(f"{kota_code!r} is not a kab/kota code like 72.71.")
    load_hint = f"load the regions first: adminduk regions load --kota {kota_code}"
    regency = Regency.objects.filter(code=kota_code).first()
    if regency is None:
        raise ValueError(f"Kab/kota {kota_code} is not in the database; {load_hint}")
    kelurahan = tuple(
        (code, region_codes.compact(kecamatan))
        for code, kecamatan in Kelurahan.objects.filter(kecamatan__regency_id=kota_code)
        .order_by("code")
        .values_list("code", "kecamatan_id")
    )
    if not kelurahan:
        raise ValueError(f"No kelurahan/desa of {kota_code} {regency.name} are in the database; {load_hint}")
    province = kota_code[:2]
    same_province, elsewhere = [], []
    for code in Kecamatan.objects.exclude(regency_id=kota_code).order_by("code").values_list("code", flat=True):
        (same_province if code[:2] == province else elsewhere).append(region_codes.compact(code))

    nik_serials = _highest_serials(Resident, "nik")
    kk_serials = _highest_serials(Family, "kk_number")
    # A counter may be ahead of the table (a number allocated by numbers.allocate_* whose row
    # is gone): never reuse its serials either.
    counted = set()
    for kind, prefix, serial in SerialCounter.objects.values_list("kind", "prefix", "last_serial"):
        serials = nik_serials if kind == COUNTER_NIK else kk_serials
        serials[prefix] = max(serials.get(prefix, 0), serial)
        counted.add((kind, prefix))
    if nik_serials or kk_serials:
        # A re-run must not repeat the UUIDs (and names) of the first: mix the starting point
        # into the seed, which stays deterministic for a given seed and starting database. The
        # serial sums grow with every number issued, so no earlier state has the same mix.
        state = f"{seed}:{len(nik_serials)}:{sum(nik_serials.values())}:{len(kk_serials)}:{sum(kk_serials.values())}"
        seed = int.from_bytes(hashlib.sha256(state.encode()).digest()[:8], "big")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return _Setup(
        seed=seed,
        today=timezone.localdate(),
        kota_name=_place_name(regency.name),
        kelurahan=kelurahan,
        kecamatan_elsewhere_same_province=tuple(same_province),
        kecamatan_elsewhere=tuple(elsewhere),
        nik_serials=nik_serials,
        kk_serials=kk_serials,
        counted=frozenset(counted),
        last_neighbourhood=_last_neighbourhoods([code for code, _kec in kelurahan]),
        timestamp=now if isinstance(now, str) else now.isoformat(),  # SQLite wants text, COPY too
        copy_text=connection.vendor == "postgresql",
    )


# --- Writing -------------------------------------------------------------------------------


def _table_and_columns(model, fields) -> tuple[str, str]:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    return quote(model._meta.db_table), columns


def _write_neighbourhoods(neighbourhoods: list[tuple[str, str, str]]) -> None:
    """RW and RT rows for the addresses used (few: one per RT opened)."""
    if not neighbourhoods:
        return
    rws = dict.fromkeys((kelurahan, rw) for kelurahan, rw, _rt in neighbourhoods)
    RukunWarga.objects.bulk_create(
        [RukunWarga(kelurahan_id=kelurahan, number=rw) for kelurahan, rw in rws], ignore_conflicts=True
    )
    ids = {
        (kelurahan, number): pk
        for pk, kelurahan, number in RukunWarga.objects.filter(
            kelurahan_id__in={kelurahan for kelurahan, _rw in rws}, number__in={rw for _k, rw in rws}
        ).values_list("pk", "kelurahan_id", "number")
    }
    RukunTetangga.objects.bulk_create(
        [RukunTetangga(rw_id=ids[(kelurahan, rw)], number=rt) for kelurahan, rw, rt in neighbourhoods],
        ignore_conflicts=True,
    )


class _Writer:
    """Stores chunks, one transaction each. Subclasses know one database's bulk path.

    `parallel` > 1: the database takes that many chunks at once on separate connections (then
    each chunk's rows shared with other chunks, serial counters and RW/RT, are written first
    in their own transaction, in chunk order, so that concurrent chunks never wait on each
    other's locks).
    """

    parallel = 1

    def __init__(self):
        self.resident_sql = _table_and_columns(Resident, RESIDENT_FIELDS)
        self.family_sql = _table_and_columns(Family, FAMILY_FIELDS)
        self.member_sql = _table_and_columns(FamilyMember, MEMBER_FIELDS)
        self.counter_table, self.counter_columns = _table_and_columns(SerialCounter, COUNTER_FIELDS)
        quote = connection.ops.quote_name
        self.counter_conflict = f"({quote('kind')}, {quote('prefix')})"
        self.last_serial = quote(SerialCounter._meta.get_field("last_serial").column)

    def write(self, chunk: Chunk) -> None:
        """The whole chunk in one transaction."""
        with transaction.atomic():
            self.write_shared(chunk)
            self.write_rows(chunk)

    def write_shared(self, chunk: Chunk) -> None:
        """Serial counters and RW/RT rows: rows that other chunks may write too."""
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            if chunk.counter_rows:
                self.counters(cursor, chunk.counter_rows)
            _write_neighbourhoods(chunk.neighbourhoods)

    def write_rows(self, chunk: Chunk) -> None:
        """Families, residents and members: rows of this chunk only."""
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            # Families and residents before members: SQLite checks foreign keys row by row.
            self.rows(cursor, self.family_sql, chunk.family_rows)
            self.rows(cursor, self.resident_sql, chunk.resident_rows)
            self.rows(cursor, self.member_sql, chunk.member_rows)

    def finish(self) -> None:
        pass


class _SqliteWriter(_Writer):
    def __init__(self):
        super().__init__()
        with connection.cursor() as cursor:
            # A page cache that holds the indexes being filled: NIKs and names land all over
            # theirs, and with the default 2 MB cache every insert rereads pages from the file.
            cursor.execute("PRAGMA cache_size")
            self.cache_size = cursor.fetchone()[0]
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB

    def write_rows(self, chunk: Chunk) -> None:
        # The name index in bulk, not by the row trigger (several times faster at a million).
        with transaction.atomic(savepoint=False), connection.cursor() as cursor, name_index.sqlite_bulk_insert(cursor):
            super().write_rows(chunk)

    def rows(self, cursor, table_and_columns, rows):
        table, columns = table_and_columns
        marks = ", ".join(["%s"] * columns.count(",") + ["%s"])
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)

    def counters(self, cursor, rows):
        cursor.executemany(
            f"INSERT INTO {self.counter_table} ({self.counter_columns}) VALUES (%s, %s, %s) "
            f"ON CONFLICT {self.counter_conflict} DO UPDATE SET {self.last_serial} = "
            f"max({self.last_serial}, excluded.{self.last_serial})",
            rows,
        )

    def finish(self):
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(self.cache_size)}")


class _PostgresWriter(_Writer):
    # The server does the heavy work (seven indexes on residents, a foreign-key check per row
    # at commit) in one backend process per connection: two connections use both cores.
    parallel = 2

    def rows(self, cursor, table_and_columns, data: bytes):
        table, columns = table_and_columns
        with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            copy.write(data)

    def counters(self, cursor, data: bytes):
        # COPY cannot upsert: stage the counters in a temporary table, then merge them.
        cursor.execute(
            "CREATE TEMPORARY TABLE adminduk_generator_counters "
            "(kind varchar(3), prefix varchar(12), last_serial integer)"
        )
        self.rows(cursor, ("adminduk_generator_counters", "kind, prefix, last_serial"), data)
        cursor.execute(
            f"INSERT INTO {self.counter_table} ({self.counter_columns}) "
            "SELECT kind, prefix, last_serial FROM adminduk_generator_counters "
            f"ON CONFLICT {self.counter_conflict} DO UPDATE SET {self.last_serial} = "
            f"GREATEST({self.counter_table}.{self.last_serial}, EXCLUDED.{self.last_serial})"
        )
        cursor.execute("DROP TABLE adminduk_generator_counters")


def _writer() -> _Writer:
    if connection.vendor == "postgresql":
        return _PostgresWriter()
    if connection.vendor == "sqlite":
        return _SqliteWriter()
    raise NotImplementedError(f"the population generator supports PostgreSQL and SQLite, not {connection.vendor}")


# --- Generating and writing in parallel ----------------------------------------------------


def _chunk_sizes(residents: int) -> list[int]:
    # A small first chunk: the writer starts after a fraction of a second instead of waiting
    # for a whole chunk to be synthesized.
    first = min(residents, max(1, CHUNK_RESIDENTS // 8))
    full, rest = divmod(residents - first, CHUNK_RESIDENTS)
    return [first] + [CHUNK_RESIDENTS] * full + ([rest] if rest else [])


def _fork_context():
    """The "fork" multiprocessing context, or None where there is none (Windows)."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def _synthesize_into(sender, setup: _Setup, sizes: list[int]) -> None:
    """Body of the worker process: synthesize every chunk and send it pickled to the parent."""
    try:
        synthesizer = _Synthesizer(setup)
        for size in sizes:
            sender.send_bytes(pickle.dumps(("chunk", synthesizer.chunk(size)), pickle.HIGHEST_PROTOCOL))
    except BrokenPipeError:
        pass  # the parent stopped reading (its writer failed): nothing left to do
    except BaseException as exc:
        # Serials used up is the caller's matter (a ValueError); anything else is a bug.
        number_error = (exc.code, exc.message) if isinstance(exc, rules.NumberError) else None
        try:
            sender.send_bytes(pickle.dumps(("error", (traceback.format_exc(), number_error))))
        except OSError:
            pass
    finally:
        sender.close()


def _close_connections() -> None:
    """A forked child must not share the parent's database sockets. Connections inside an
    atomic block (a caller's transaction, a test) stay open: closing would lose its work. The
    child never uses them and leaves by os._exit, so it does not close them either."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


def _chunks(setup: _Setup, sizes: list[int]) -> Iterator[Chunk]:
    """The chunks in order: from a forked worker while the caller writes, else made here."""
    context = _fork_context()
    if context is None:
        synthesizer = _Synthesizer(setup)
        for size in sizes:
            yield synthesizer.chunk(size)
        return
    _close_connections()
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_synthesize_into, args=(sender, setup, sizes), name="adminduk-generator", daemon=True
    )
    worker.start()
    sender.close()  # only the child writes; EOF then means it is gone
    finished = False
    try:
        for _size in sizes:
            try:
                kind, payload = pickle.loads(receiver.recv_bytes())
            except EOFError:
                worker.join()
                raise RuntimeError(f"the generator process ended unexpectedly (exit code {worker.exitcode})") from None
            if kind == "error":
                text, number_error = payload
                failure = RuntimeError(f"the generator process failed:\n{text}")
                if number_error:
                    raise rules.NumberError(*number_error) from failure
                raise failure
            yield payload
        finished = True
    finally:
        receiver.close()
        if not finished:  # the writer gave up: no use synthesizing the rest
            worker.terminate()
        worker.join()


def _write_rows_on_own_connection(writer: _Writer, chunk: Chunk) -> Chunk:
    """Runs in a writer thread, which has its own database connection."""
    try:
        writer.write_rows(chunk)
    finally:
        connection.close()
    return chunk


def _write(chunks: Iterator[Chunk], account: Callable[[Chunk], None]) -> None:
    """Write every chunk, in parallel where the database allows it; `account` each when stored."""
    writer = None
    pending = set()
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="adminduk-writer") as pool:
        try:
            for chunk in chunks:
                # Made after the fork, which closes the connection and with it its settings.
                writer = writer or _writer()
                # Inside a caller's transaction every write must join it: one connection.
                if writer.parallel == 1 or connection.in_atomic_block:
                    writer.write(chunk)
                    account(chunk)
                    continue
                while len(pending) >= writer.parallel:  # bounds the chunks held in memory
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        account(future.result())
                writer.write_shared(chunk)
                pending.add(pool.submit(_write_rows_on_own_connection, writer, chunk))
            for future in as_completed(pending):
                account(future.result())
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            if writer:
                writer.finish()


def generate_population(
    kota_code: str, residents: int, *, seed: int = 0, progress: Callable[[int, int], None] | None = None
) -> GenerationResult:
    """Add `residents` synthetic residents in whole families to the kota (e.g. "72.71").

    Deterministic for a given seed and starting database; a re-run adds new people after the
    serials, RTs and UUIDs already in use. `progress(done, total)` is called after each chunk.
    Raises ValueError for a bad count or when the kota's regions are not loaded.
    """
    if residents < 1:
        raise ValueError(f"the number of residents must be at least 1, not {residents}")
    started = time.perf_counter()
    setup = read_setup(kota_code, seed)
    totals = GenerationResult(0, 0, 0.0)

    def account(chunk: Chunk) -> None:
        nonlocal totals
        totals = GenerationResult(totals.residents + chunk.residents, totals.families + chunk.families, 0.0)
        if progress:
            progress(totals.residents, residents)

    chunks = _chunks(setup, _chunk_sizes(residents))
    try:
        _write(chunks, account)
    finally:
        chunks.close()  # stops the worker at once if writing failed
    _analyze()
    return GenerationResult(totals.residents, totals.families, time.perf_counter() - started)


def _analyze() -> None:
    """Fresh statistics after a bulk load: without them PostgreSQL guesses the residents table
    is tiny and scans it for a name search instead of using the name index (266 ms instead of
    1.5 ms on 3,000 residents), until autovacuum gets round to it, if it is on. (SQLite's name
    search goes through its FTS5 table, which needs none.)"""
    from django.db import connection

    from .models import Family, FamilyMember, Resident

    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (Resident, Family, FamilyMember)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
