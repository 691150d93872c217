"""Find a resident by name (typos, word order, birth date or year), by KK number; scoped to the
jurisdiction, audited; the index follows every writer (actions, generator, node pull)."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from adminduk.audit.models import AuditEntry
from adminduk.population import actions, search
from adminduk.population.generator import generate_population
from adminduk.population.models import Resident

pytestmark = pytest.mark.django_db

SEARCH = reverse("web:resident_search")
HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = dt.date(2026, 12, 2)
PALU_TIMUR_KELURAHAN = "72.71.01.1001"


def names_found(residents, name, birth="", today=TODAY):
    query = search.parse_query(name, birth, today=today)
    result = search.search_names(residents, query)
    by_id = Resident.objects.in_bulk([m.resident_id for m in result.matches])
    return [by_id[m.resident_id].full_name for m in result.matches]


# --- population.search: parsing -------------------------------------------------------------


def test_normalize_folds_case_diacritics_and_punctuation():
    assert search.normalize_name("  Ma'ruf  Amín, S.Pd ") == "ma ruf amin s pd"


@pytest.mark.parametrize(
    ("name", "birth", "code"),
    [
        ("", "", "too_short"),
        ("ab", "", "too_short"),
        ("!!! ..", "", "too_short"),
        ("a b c d e f g", "", "too_many_words"),
        ("x" * 121, "", "too_long"),
        ("siti", "83", "birth_format"),
        ("siti", "21-13-1983", "birth_date"),
        ("siti", "31-02-1983", "birth_date"),
        ("siti", "1700", "birth_year"),
        ("siti", "2030", "birth_year"),
        ("siti", "01-01-2030", "birth_date"),
        ("siti", "kemarin", "birth_format"),
    ],
)
def test_invalid_queries_say_what_to_fix(name, birth, code):
    with pytest.raises(search.SearchError) as error:
        search.parse_query(name, birth, today=TODAY)
    assert error.value.code == code and error.value.message


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        ("1983", (None, 1983)),
        ("21-07-1983", (dt.date(1983, 7, 21), None)),
        ("21/7/1983", (dt.date(1983, 7, 21), None)),
        ("1983-07-21", (dt.date(1983, 7, 21), None)),
        ("", (None, None)),
    ],
)
def test_birth_date_or_year(birth, expected):
    assert search.parse_birth(birth, TODAY) == expected


# --- population.search: matching ------------------------------------------------------------


@pytest.fixture
def registry(make_resident):
    make_resident(full_name="SITI AMINAH", sex="P", birth_date="1983-07-21")
    make_resident(full_name="SITI AMINAH LUBIS", sex="P", birth_date="1990-01-05")
    make_resident(full_name="AMINAH SITORUS", sex="P", birth_date="1983-03-03")
    make_resident(full_name="BUDI SANTOSO", sex="L", birth_date="1980-03-02")
    make_resident(full_name="AHMAD FAUZI", sex="L", birth_date="1975-11-30")
    return Resident.objects.all()


def test_exact_name_ranks_first(registry):
    assert names_found(registry, "Siti Aminah")[:2] == ["SITI AMINAH", "SITI AMINAH LUBIS"]


def test_word_order_is_tolerated(registry):
    assert names_found(registry, "aminah siti")[:2] == ["SITI AMINAH", "SITI AMINAH LUBIS"]


@pytest.mark.parametrize("typo", ["Siti Aminh", "Sity Aminah", "Siti Aminaah", "Sitti Aminah"])
def test_typos_are_tolerated(registry, typo):
    assert names_found(registry, typo)[0] == "SITI AMINAH"


def test_every_word_must_match(registry):
    assert names_found(registry, "budi aminah") == []
    assert names_found(registry, "ahmad") == ["AHMAD FAUZI"]
    assert names_found(registry, "ahmad fauzy") == ["AHMAD FAUZI"]


def test_birth_year_and_date_narrow_the_search(registry):
    assert names_found(registry, "aminah", "1983") == ["AMINAH SITORUS", "SITI AMINAH"] or names_found(
        registry, "aminah", "1983"
    ) == ["SITI AMINAH", "AMINAH SITORUS"]
    assert names_found(registry, "aminah", "21-07-1983") == ["SITI AMINAH"]
    assert names_found(registry, "aminah", "1984") == []


def test_short_words_need_the_exact_word(registry):
    # "Budi" has 4 letters: one typo allowed; "Bdi" (3 letters) must be exact and is not a name word.
    assert names_found(registry, "budy santoso") == ["BUDI SANTOSO"]
    assert names_found(registry, "bdi") == []


def test_more_candidates_than_the_limit_are_reported(registry, make_resident, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 2)
    query = search.parse_query("aminah", today=TODAY)
    assert search.search_names(registry, query).truncated
    assert not search.search_names(registry, search.parse_query("budi", today=TODAY)).truncated


# --- The index follows every writer -----------------------------------------------------------


def test_a_correction_moves_the_name_in_the_index(registry):
    resident = Resident.objects.get(full_name="BUDI SANTOSO")
    actions.correct_resident(resident, {"full_name": "BUDIMAN SANTOSA"}, reason="Salah ketik")
    assert names_found(registry, "budiman") == ["BUDIMAN SANTOSA"]
    assert names_found(registry, "budi santosa") == ["BUDIMAN SANTOSA"]  # "budi" begins "budiman"
    assert names_found(registry, "budi santoso", "1980") == ["BUDIMAN SANTOSA"]
