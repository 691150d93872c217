"""The name index after bulk generation matches the table, its jurisdiction and birth-year keys
follow moves and corrections, and a search within areas stays within them (migration 0005,
population.name_index)."""

import collections
import datetime as dt

import pytest
from django.db import connection

from adminduk.population import actions, search
from adminduk.population.generator import generate_population
from adminduk.population.models import Resident
from adminduk.regions.models import Kelurahan

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)
MANTIKULORE, PALU_TIMUR = "72.71.08", "72.71.01"


def found(name, birth="", *, areas=(), residents=None):
    residents = Resident.objects.all() if residents is None else residents
    result = search.search_names(residents, search.parse_query(name, birth, today=TODAY), areas=areas)
    return [m.full_name for m in result.matches]


def expected_words() -> collections.Counter:
    """Residents per name word, computed from the table in Python."""
    counts = collections.Counter()
    for name in Resident.objects.values_list("full_name", flat=True):
        counts.update(set(search.normalize_name(name).split()))
    return counts


def stored_words() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word, residents FROM population_name_word")
        return dict(cursor.fetchall())


def indexed_terms() -> dict:
    """SQLite: residents per term in the FTS5 index (fts5vocab)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.name_vocab USING fts5vocab(main, population_resident_name, 'row')")
        cursor.execute("SELECT term, doc FROM temp.name_vocab")
        return dict(cursor.fetchall())


def expected_terms() -> collections.Counter:
    """What the FTS5 index must hold for the table: name words, word keys per kab/kota and
    kecamatan, birth-year keys."""
    counts = collections.Counter()
    for name, kelurahan, born in Resident.objects.values_list("full_name", "kelurahan_id", "birth_date"):
        words = set(search.normalize_name(name).split())
        regency, kecamatan = kelurahan[:5].replace(".", ""), kelurahan[:8].replace(".", "")
        counts.update(words | {f"~r{regency}~{w}" for w in words} | {f"~k{kecamatan}~{w}" for w in words} | {f"~y{born.year}"})
    return counts


def test_the_generators_bulk_path_leaves_the_index_matching_the_table(palu_regions):
    generate_population("72.71", 400, seed=11)
    generate_population("72.71", 250, seed=12)  # a second run appends after the first
    assert stored_words() == dict(expected_words())
    if connection.vendor == "sqlite":
        assert indexed_terms() == dict(expected_terms())
    # Every generated resident is found by its own name within its own kecamatan and birth year.
    for resident in Resident.objects.order_by("nik")[::60]:
        assert resident.full_name in found(resident.full_name, str(resident.birth_date.year), areas=[resident.kelurahan_id[:8]])


def test_the_insert_trigger_is_back_after_a_bulk_generation(palu_regions, make_resident):
    generate_population("72.71", 120, seed=3)
    make_resident(full_name="ZULAIKHA PRAMESWARI")
    assert found("zulaikha prameswari") == ["ZULAIKHA PRAMESWARI"]
    assert stored_words() == dict(expected_words())


def test_a_failed_bulk_write_leaves_the_trigger_and_index_as_they_were(palu_regions, make_resident, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite bulk path only")
    from adminduk.population import generator

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(generator._SqliteWriter, "rows", fail)
    with pytest.raises(RuntimeError):
        generate_population("72.71", 50, seed=5)
    monkeypatch.undo()
    make_resident(full_name="KARTIKA SARI DEWI")
    assert found("kartika dewi") == ["KARTIKA SARI DEWI"]


def test_areas_keep_the_search_within_the_jurisdiction(make_resident):
    make_resident(full_name="SITI AMINAH", birth_date="1983-07-21")  # Mantikulore
    make_resident(full_name="SITI AMINAH", birth_date="1983-07-21", kelurahan="72.71.01.1004")  # Palu Timur
    both = Resident.objects.all()
    assert found("siti aminah", areas=[MANTIKULORE]) == ["SITI AMINAH"]
    assert found("sity aminah", "1983", areas=["72.71"]) == ["SITI AMINAH", "SITI AMINAH"]
    assert found("aminah", areas=[PALU_TIMUR]) == ["SITI AMINAH"]
    assert found("aminah", areas=["72.72"]) == []  # another kota: nothing of Palu's
    # `residents` stays the authority, even with areas wider than it.
    mantikulore_only = both.filter(kelurahan__kecamatan=MANTIKULORE)
    assert len(found("siti aminah", areas=["72.71"], residents=mantikulore_only)) == 1


def test_a_move_and_a_corrected_birth_date_move_the_keys(make_resident):
    resident = make_resident(full_name="RAHMAT HIDAYAT", birth_date="1991-04-04")
    actions.move_resident(
        resident, kelurahan=Kelurahan.objects.get(code="72.71.01.1004"), rw="001", rt="002", address="Jl. Baru 1",
        moved_on=TODAY,
    )
    assert found("rahmat hidayat", areas=[MANTIKULORE]) == []
    assert found("rahmat hidayat", areas=[PALU_TIMUR]) == ["RAHMAT HIDAYAT"]
    actions.correct_resident(Resident.objects.get(pk=resident.pk), {"birth_date": dt.date(1992, 4, 4)}, reason="Salah ketik")
    assert found("rahmat", "1991", areas=[PALU_TIMUR]) == []
    assert found("rahmat", "1992", areas=[PALU_TIMUR]) == ["RAHMAT HIDAYAT"]
    if connection.vendor == "sqlite":
        assert indexed_terms() == dict(expected_terms())


def test_an_area_must_be_a_kab_kota_or_kecamatan_code(make_resident):
    with pytest.raises(ValueError):
        found("siti", areas=["72.71.08.1004"])
