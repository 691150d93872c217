"""The synthetic population generator: every rule of the registry holds for what it writes."""

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from adminduk.population import generator, numbers, rules
from adminduk.population.choices import MaritalStatus, Relationship, Sex
from adminduk.population.models import Family, FamilyMember, Resident, SerialCounter
from adminduk.regions import codes, services
from adminduk.regions.models import RukunTetangga

PALU = "72.71"
MINIMUM_MARRIAGE_AGE = {Sex.MALE: 19, Sex.FEMALE: 17}


class Rollback(Exception):
    pass


@pytest.fixture
def regions(palu_regions):
    """Kota Palu plus the kecamatan of Kabupaten Donggala and Kota Makassar, so that some NIKs
    are issued elsewhere in the province and outside it."""
    rows = [
        r
        for r in codes.shipped_region_rows()
        if r.code in ("73", "72.03", "73.71") or (r.code.startswith(("72.03.", "73.71.")) and len(r.code) == 8)
    ]
    services.load_regions(rows, villages_under=PALU)
    return palu_regions


@pytest.fixture
def generated(regions):
    return generator.generate_population(PALU, 3000, seed=7)


def _residents():
    return {r["id"]: r for r in Resident.objects.values()}


def _families():
    """{family id: [(relationship, resident row), ...]} for the active KKs."""
    residents = _residents()
    members = defaultdict(list)
    for family_id, resident_id, relationship in FamilyMember.objects.filter(
        family__status=Family.Status.ACTIVE
    ).values_list("family_id", "resident_id", "relationship"):
        members[family_id].append((relationship, residents[resident_id]))
    return members


def _years(later: dt.date, earlier: dt.date) -> float:
    return (later - earlier).days / 365.2425


@pytest.mark.django_db
def test_generates_exactly_the_residents_asked_for_in_whole_families(generated):
    assert generated.residents == 3000
    assert Resident.objects.count() == 3000
    assert Family.objects.count() == generated.families
    assert FamilyMember.objects.count() == 3000
    # Each resident is on exactly one KK.
    assert FamilyMember.objects.values("resident").distinct().count() == 3000
    assert 2.5 < generated.residents / generated.families < 4.5


@pytest.mark.django_db
def test_every_nik_is_valid_and_matches_the_registry_birth_date_and_sex(generated):
    residents = list(Resident.objects.values("nik", "birth_date", "sex", "kelurahan_id"))
    assert len({r["nik"] for r in residents}) == len(residents)
    issued_elsewhere = 0
    for r in residents:
        parsed = rules.parse_nik(r["nik"], registry_birth_date=r["birth_date"], registry_sex=r["sex"])
        # Every region of issue is a current Kemendagri kecamatan and the date and sex part
        # come from the person's own birth date and sex: no warnings at all.
        assert parsed.warnings == (), (r, parsed.warnings)
        assert parsed.sex == r["sex"]
        issued_elsewhere += parsed.regency_code != PALU
    # Some adults moved in with a NIK from elsewhere; most were issued in the kota.
    assert 0 < issued_elsewhere < 0.2 * len(residents)


@pytest.mark.django_db
def test_kk_numbers_are_valid_unique_and_issued_where_the_family_lives(generated):
    today = timezone.localdate()
    families = list(Family.objects.values("id", "kk_number", "issued_on", "kelurahan__kecamatan_id"))
    assert len({f["kk_number"] for f in families}) == len(families)
    youngest = {}
    for family_id, born in FamilyMember.objects.values_list("family_id", "resident__birth_date"):
        youngest[family_id] = max(born, youngest.get(family_id, born))
    for f in families:
        parsed = rules.parse_kk_number(f["kk_number"], today=today)
        assert parsed.warnings == ()
        assert parsed.kecamatan_code == f["kelurahan__kecamatan_id"]
        assert f["kk_number"][6:12] == f["issued_on"].strftime("%d%m%y")
        assert youngest[f["id"]] <= f["issued_on"] <= today


@pytest.mark.django_db
def test_each_active_kk_has_one_head_and_plausible_relatives(generated):
    families = _families()
    assert len(families) == generated.families
    seen = Counter()
    for members in families.values():
        by_relationship = defaultdict(list)
        for relationship, person in members:
            by_relationship[relationship].append(person)
            seen[relationship] += 1
        heads = by_relationship[Relationship.KEPALA_KELUARGA]
        assert len(heads) == 1
        head = heads[0]
        spouses = by_relationship[Relationship.ISTRI] + by_relationship[Relationship.SUAMI]
        assert len(spouses) <= 1
        for spouse in spouses:
            assert spouse["sex"] != head["sex"]
            assert spouse["marital_status"] == head["marital_status"] == MaritalStatus.KAWIN
            assert spouse["marriage_date"] == head["marriage_date"]
        # Children are younger than the head and the spouse and carry a parent's name.
        for child in by_relationship[Relationship.ANAK]:
            for parent in [head, *spouses]:
                assert _years(child["birth_date"], parent["birth_date"]) > 15, (child, parent)
            assert head["full_name"] in (child["father_name"], child["mother_name"])
        # Grandchildren are younger than their parent (the married anak) and the menantu.
        married_children = [c for c in by_relationship[Relationship.ANAK] if c["marital_status"] == MaritalStatus.KAWIN]
        for cucu in by_relationship[Relationship.CUCU]:
            parents = married_children + by_relationship[Relationship.MENANTU]
            assert parents
            for parent in parents:
                assert cucu["birth_date"] > parent["birth_date"]
                assert parent["full_name"] in (cucu["father_name"], cucu["mother_name"])
            assert cucu["birth_date"] > parents[0]["marriage_date"]
        # Orang tua is a parent of the head, mertua a parent of the spouse.
        for parent in by_relationship[Relationship.ORANG_TUA]:
            assert _years(head["birth_date"], parent["birth_date"]) > 15
            assert parent["full_name"] in (head["father_name"], head["mother_name"])
        for parent in by_relationship[Relationship.MERTUA]:
            assert len(spouses) == 1
            assert _years(spouses[0]["birth_date"], parent["birth_date"]) > 15
            assert parent["full_name"] in (spouses[0]["father_name"], spouses[0]["mother_name"])
    # Every common household shape occurs.
    for relationship in (Relationship.ISTRI, Relationship.ANAK, Relationship.CUCU, Relationship.MENANTU,
                         Relationship.ORANG_TUA, Relationship.MERTUA, Relationship.FAMILI_LAIN):  # fmt: skip
        assert seen[relationship] > 0, relationship


@pytest.mark.django_db
def test_marital_status_and_dates_agree(generated):
    today = timezone.localdate()
    statuses = Counter()
    for r in Resident.objects.values():
        statuses[r["marital_status"]] += 1
        married, divorced, born = r["marriage_date"], r["divorce_date"], r["birth_date"]
        assert born <= today
        if r["marital_status"] == MaritalStatus.BELUM_KAWIN:
            assert married is None and divorced is None
            continue
        assert married is not None
        assert rules.age_on(born, married) >= MINIMUM_MARRIAGE_AGE[r["sex"]], r
        assert married <= today
        if r["marital_status"] == MaritalStatus.CERAI_HIDUP:
            assert married < divorced <= today
        else:
            assert divorced is None
    assert set(statuses) == set(MaritalStatus.values)


@pytest.mark.django_db
def test_age_and_sex_structure_is_plausible(generated):
    today = timezone.localdate()
    residents = list(Resident.objects.values("birth_date", "sex", "marital_status"))
    under_17 = sum(rules.age_on(r["birth_date"], today) < 17 for r in residents) / len(residents)
    assert 0.20 <= under_17 <= 0.40
    men = sum(r["sex"] == Sex.MALE for r in residents)
    assert 0.9 <= men / (len(residents) - men) <= 1.1
    wajib_ktp = sum(
        rules.is_wajib_ktp(birth_date=r["birth_date"], marital_status=r["marital_status"], on=today) for r in residents
    ) / len(residents)
    # Nationally about 199 million wajib KTP among some 273 million people (73%).
    assert 0.60 <= wajib_ktp <= 0.80
    oldest = min(r["birth_date"] for r in residents)
    assert rules.age_on(oldest, today) <= 110


@pytest.mark.django_db
def test_every_address_is_an_existing_rt_and_members_live_at_their_kk_address(generated):
    known = set(RukunTetangga.objects.values_list("rw__kelurahan_id", "rw__number", "number"))
    used = set(Resident.objects.values_list("kelurahan_id", "rw", "rt"))
    used |= set(Family.objects.values_list("kelurahan_id", "rw", "rt"))
    assert used <= known
    elsewhere = FamilyMember.objects.exclude(
        resident__kelurahan=F("family__kelurahan"),
        resident__rw=F("family__rw"),
        resident__rt=F("family__rt"),
        resident__address=F("family__address"),
    )
    assert not elsewhere.exists()


@pytest.mark.django_db
def test_a_second_run_adds_residents_after_the_first_without_collisions(generated):
    first_niks = set(Resident.objects.values_list("nik", flat=True))
    first_rts = set(RukunTetangga.objects.values_list("rw__kelurahan_id", "rw__number", "number"))
    second = generator.generate_population(PALU, 2000, seed=7)  # same seed on purpose
    assert second.residents == 2000
    niks = list(Resident.objects.values_list("nik", flat=True))
    assert len(niks) == len(set(niks)) == 5000
    assert first_niks < set(niks)
    kk_numbers = list(Family.objects.values_list("kk_number", flat=True))
    assert len(kk_numbers) == len(set(kk_numbers))
    # New RTs continue the numbering; the old ones are kept.
    rts = set(RukunTetangga.objects.values_list("rw__kelurahan_id", "rw__number", "number"))
    assert first_rts <= rts
    assert RukunTetangga.objects.count() == len(rts)
    # The registry's own allocation continues after the generated serials.
    resident = Resident.objects.order_by("nik").first()
    prefix = resident.nik[:12]
    highest = max(int(n[12:]) for n in niks if n.startswith(prefix))
    with transaction.atomic():
        fresh = numbers.allocate_nik(codes.dotted(prefix[:6]), resident.birth_date, resident.sex)
    assert fresh not in niks
    assert fresh == f"{prefix}{highest + 1:04d}"


@pytest.mark.django_db
def test_existing_serial_counters_are_respected_and_raised(regions):
    generator.generate_population(PALU, 1500, seed=3)
    # Counters as numbers.allocate_* leaves them, one of them ahead of the table (its resident gone).
    highest = defaultdict(int)
    for nik in Resident.objects.values_list("nik", flat=True):
        highest[nik[:12]] = max(highest[nik[:12]], int(nik[12:]))
    ahead = min(highest)
    SerialCounter.objects.bulk_create(
        [SerialCounter(kind="nik", prefix=p, last_serial=s + (40 if p == ahead else 0)) for p, s in highest.items()]
    )
    setup = generator.read_setup(PALU, seed=3)
    assert setup.nik_serials[ahead] == highest[ahead] + 40
    assert ("nik", ahead) in setup.counted

    generator.generate_population(PALU, 3000, seed=3)
    after = defaultdict(int)
    for nik in Resident.objects.values_list("nik", flat=True):
        after[nik[:12]] = max(after[nik[:12]], int(nik[12:]))
    niks = set(Resident.objects.values_list("nik", flat=True))
    assert not any(f"{ahead}{s:04d}" in niks for s in range(highest[ahead] + 1, highest[ahead] + 41))
    counters = dict(SerialCounter.objects.filter(kind="nik").values_list("prefix", "last_serial"))
    raised = [p for p in counters if after[p] > highest[p]]
    assert raised, "the second run should reuse some prefixes of the first"
    for prefix, serial in counters.items():
        assert serial >= after[prefix]


@pytest.mark.django_db
def test_same_seed_and_database_give_the_same_population_with_or_without_a_worker(regions, monkeypatch):
    def run():
        try:
            with transaction.atomic():
                generator.generate_population(PALU, 1200, seed=11)
                columns = ("id", "nik", "full_name", "birth_date", "rw", "rt", "address")
                rows = list(Resident.objects.order_by("id").values_list(*columns))
                raise Rollback
        except Rollback:
            return rows

    forked = run()
    monkeypatch.setattr(generator, "_fork_context", lambda: None)
    in_process = run()
    assert forked == in_process
    assert len(forked) == 1200
    monkeypatch.undo()
    assert run() == forked


@pytest.mark.django_db
def test_a_failing_worker_is_reported(regions, monkeypatch):
    def broken(self, residents):
        raise ZeroDivisionError("synthetic failure")

    monkeypatch.setattr(generator._Synthesizer, "chunk", broken)
    with pytest.raises((RuntimeError, ZeroDivisionError), match="synthetic failure"):
        generator.generate_population(PALU, 100)
    assert Resident.objects.count() == 0


@pytest.mark.django_db
def test_used_up_serials_are_a_value_error_for_the_caller(regions, monkeypatch):
    monkeypatch.setattr(rules, "MAX_SERIAL", 1)  # two people born the same day in one kecamatan
    with pytest.raises(rules.NumberError) as raised:
        generator.generate_population(PALU, 3000, seed=1)
    assert raised.value.code == "serials_exhausted"
    with pytest.raises(CommandError, match="serials"):
        call_command("generate", "--kota", PALU, "--residents", "3000")


@pytest.mark.django_db(transaction=True)
def test_many_chunks_outside_a_transaction(regions, monkeypatch):
    """Committed chunk by chunk; on PostgreSQL two connections write at once."""
    monkeypatch.setattr(generator, "CHUNK_RESIDENTS", 400)
    seen = []
    result = generator.generate_population(PALU, 2500, seed=5, progress=lambda done, total: seen.append((done, total)))
    assert result.residents == Resident.objects.count() == 2500
    assert result.families == Family.objects.count()
    assert len(seen) == len(generator._chunk_sizes(2500)) > 5
    assert seen[-1] == (2500, 2500)
    niks = list(Resident.objects.values_list("nik", flat=True))
    assert len(set(niks)) == 2500
    assert FamilyMember.objects.filter(relationship=Relationship.KEPALA_KELUARGA).count() == result.families


@pytest.mark.django_db
def test_bad_input_is_refused(palu_regions):
    with pytest.raises(ValueError, match="at least 1"):
        generator.generate_population(PALU, 0)
    with pytest.raises(ValueError, match="adminduk regions load --kota 73.71"):
        generator.generate_population("73.71", 10)
    with pytest.raises(ValueError, match="not a kab/kota code"):
        generator.generate_population("72.71.08", 10)


@pytest.mark.django_db
def test_generate_command(regions, capsys):
    call_command("generate", "--kota", PALU, "--residents", "250", "--seed", "1")
    out = capsys.readouterr().out
    assert "250 residents" in out and "families" in out and "residents/second" in out
    assert Resident.objects.count() == 250


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--kota", PALU, "--residents", "0"], "at least 1"),
        (["--kota", PALU, "--residents", "-5"], "at least 1"),
        (["--kota", "73.71", "--residents", "10"], "adminduk regions load --kota 73.71"),
        (["--kota", "7271", "--residents", "10"], "not a kab/kota code"),
        (["--kota", PALU, "--residents", "many"], "invalid int value"),
    ],
)
def test_generate_command_refuses_bad_input(palu_regions, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate", *arguments)
    assert Resident.objects.count() == 0
