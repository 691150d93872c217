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
PALU_TIMUR_KELURAHAN = "72.71.01.1004"


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


def test_the_generators_bulk_rows_are_in_the_index(palu_regions):
    generate_population("72.71", 300, seed=7)
    sample = Resident.objects.order_by("nik")[150]
    words = search.normalize_name(sample.full_name).split()
    found = names_found(Resident.objects.all(), " ".join(reversed(words)), str(sample.birth_date.year))
    assert sample.full_name in found


def test_the_nodes_pull_writes_are_in_the_index(make_resident):
    """The node stores pulled residents with bulk_create and bulk_update (sync.changes)."""
    import uuid

    from adminduk.sync import changes

    template = make_resident(full_name="WARGA TEMPLAT", birth_date="1991-04-04")
    row = changes.resident_row(template)
    pulled = dict(row, id=str(uuid.uuid4()), nik="7271080404910002", full_name="RAHMAT HIDAYAT")
    assert changes._apply_residents([pulled]) == 1
    assert names_found(Resident.objects.all(), "hidayat rahmat") == ["RAHMAT HIDAYAT"]
    changes._apply_residents([dict(pulled, full_name="RAHMAT HIDAYATULLAH")])
    assert names_found(Resident.objects.all(), "rahmat hidayatullah") == ["RAHMAT HIDAYATULLAH"]
    assert names_found(Resident.objects.all(), "rahmat", "1991") == ["RAHMAT HIDAYATULLAH"]


def test_the_name_index_can_be_rebuilt(registry):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM population_name_word")
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO population_resident_name (population_resident_name) VALUES ('delete-all')")
    assert names_found(registry, "siti aminh") == []  # no words left to correct the typo with
    search.rebuild_name_index()
    assert names_found(registry, "siti aminh")[:2] == ["SITI AMINAH", "SITI AMINAH LUBIS"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT residents FROM population_name_word WHERE word = 'aminah'")
        assert cursor.fetchone() == (3,)


def test_the_word_table_counts_follow_corrections_and_deletes(registry):
    def count(word):
        with connection.cursor() as cursor:
            cursor.execute("SELECT residents FROM population_name_word WHERE word = %s", [word])
            row = cursor.fetchone()
        return row[0] if row else 0

    assert (count("siti"), count("fauzi")) == (2, 1)
    resident = Resident.objects.get(full_name="AHMAD FAUZI")
    actions.correct_resident(resident, {"full_name": "AHMAD FAWZI"}, reason="Salah ketik")
    assert (count("fauzi"), count("fawzi"), count("ahmad")) == (0, 1, 1)


# --- The search page --------------------------------------------------------------------------


@pytest.fixture
def elsewhere(make_resident):
    """A namesake in Palu Timur, outside the Mantikulore operator's jurisdiction."""
    return make_resident(full_name="SITI AMINAH", sex="P", birth_date="1983-07-21", kelurahan=PALU_TIMUR_KELURAHAN)


def test_name_search_with_a_typo_finds_the_resident(operator_client, sample_family, elsewhere):
    wife = sample_family["wife"]
    response = operator_client.get(SEARCH, {"nama": "aminah sitti", "lahir": ""}, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("web:resident_detail", args=[wife.nik]) in body
    assert elsewhere.nik not in body  # the namesake in another kecamatan stays invisible
    assert "1 resident found" in body


def test_name_search_is_audited_with_what_was_shown(operator_client, sample_family, elsewhere):
    wife = sample_family["wife"]
    operator_client.get(SEARCH, {"nama": "Siti Aminah", "lahir": "1983"}, **HTMX)
    entry = AuditEntry.objects.get(action="search")
    assert entry.actor == operator_client.user and entry.object_type == "resident"
    assert entry.kecamatan_code == "72.71.08"
    assert entry.details == {"by": "name", "name": "siti aminah", "birth": "1983", "more": False, "mentions": [wife.nik]}


def test_dinas_staff_see_the_whole_kota(client, make_staff, sample_family, elsewhere):
    from tests.conftest import login_verified

    login_verified(client, make_staff("kecamatan_operator", offices=("72.71.08", "72.71.01")))
    body = client.get(SEARCH, {"nama": "siti aminah"}).content.decode()
    assert sample_family["wife"].nik in body and elsewhere.nik in body


def test_nothing_found_says_so(operator_client, sample_family):
    response = operator_client.get(SEARCH, {"nama": "siti aminah", "lahir": "1999"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "No resident in your area has a name like" in response.content.decode()
    assert AuditEntry.objects.get(action="search").details["mentions"] == []


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
@pytest.mark.parametrize(
    "params", [{"nama": "ab"}, {"nama": "siti", "lahir": "31-02-1983"}, {"nama": "x" * 500}, {"lahir": "1983"}]
)
def test_an_invalid_name_query_is_a_400_that_says_why(operator_client, sample_family, params, headers):
    response = operator_client.get(SEARCH, params, HTTP_ACCEPT_LANGUAGE="en", **headers)
    assert response.status_code == 400
    assert 'class="alert alert-error"' in response.content.decode()
    assert not AuditEntry.objects.filter(action="search").exists()


def test_the_page_is_indonesian(operator_client, sample_family):
    body = operator_client.get(SEARCH, {"nama": "ab"}).content.decode()
    assert escape(search.parse_query.__module__) not in body
    with pytest.raises(search.SearchError) as error:
        from django.utils import translation

        with translation.override("id"):
            search.parse_query("ab", today=TODAY)
    assert escape(error.value.message) in body
    assert "Cari penduduk berdasarkan nama" in body


def test_kk_search_shows_the_family(operator_client, sample_family):
    family = sample_family["family"]
    response = operator_client.get(SEARCH, {"kk": family.kk_number}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("web:family_detail", args=[family.kk_number]) in body
    for member in ("head", "wife", "child"):
        assert sample_family[member].nik in body
    entry = AuditEntry.objects.get(action="search")
    assert (entry.object_type, entry.object_id, entry.kecamatan_code) == ("family", family.kk_number, "72.71.08")


def test_kk_search_outside_the_jurisdiction_is_not_found(client, make_staff, sample_family):
    from tests.conftest import login_verified

    login_verified(client, make_staff("kecamatan_operator", offices=("72.71.01",)))
    response = client.get(SEARCH, {"kk": sample_family["family"].kk_number}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "is valid but no family with it is registered in your area" in response.content.decode()
    assert sample_family["head"].nik not in response.content.decode()


@pytest.mark.parametrize("kk", ["123", "72710801021000AB", "0071080102100001"])
def test_an_invalid_kk_number_is_a_400(operator_client, kk):
    response = operator_client.get(SEARCH, {"kk": kk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Invalid KK number" in response.content.decode()


def test_sqlite_gets_the_statistics_that_make_the_index_drive_the_query(registry, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    monkeypatch.setattr(search, "STATISTICS_FROM_ROWS", 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_schema")  # makes sure sqlite_stat1 exists, then empty it
        cursor.execute("DELETE FROM sqlite_stat1")
    assert names_found(registry, "siti aminah")[:2] == ["SITI AMINAH", "SITI AMINAH LUBIS"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'population_resident'")
        assert cursor.fetchone()[0] > 0


def test_the_home_page_leads_to_the_name_search(operator_client):
    body = operator_client.get(reverse("web:home")).content.decode()
    assert "Cari berdasarkan nama atau nomor KK" in body and reverse("web:resident_search") in body
