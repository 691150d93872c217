"""The JSON API: lookup by NIK, registration, refusal of anonymous access and bad input."""

import json

import pytest

from adminduk.population.models import Resident, ResidentEvent
from tests.conftest import resident_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]


@pytest.fixture
def api_client(staff_client):
    return staff_client("kecamatan_operator", offices=("72.71.08",), username="petugas")


def post_json(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_anonymous_is_refused(client, sample_family):
    response = client.get(f"/api/residents/{sample_family['head'].nik}")
    assert response.status_code == 401
    assert "full_name" not in response.content.decode()
    assert post_json(client, "/api/residents", resident_data()).status_code == 401


def test_openapi_schema_and_docs_are_served(api_client):
    schema = api_client.get("/api/openapi.json").json()
    assert "/api/residents/{nik}" in schema["paths"]
    assert api_client.get("/api/docs").status_code == 200


def test_lookup_by_nik(api_client, sample_family):
    head = sample_family["head"]
    body = api_client.get(f"/api/residents/{head.nik}").json()
    assert body["full_name"] == "BUDI SANTOSO"
    assert body["kk_number"] == sample_family["family"].kk_number
    assert body["relationship"] == 1
    assert body["kecamatan_name"] == "Mantikulore"
    assert body["wajib_ktp"] is True
    child = api_client.get(f"/api/residents/{sample_family['child'].nik}").json()
    assert child["wajib_ktp"] is False


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("727108", "exactly 16 digits"),
        ("72710817080A0001", "digits only"),
        ("7271083102900001", "does not exist"),
        ("7271081708900000", "serial 0000"),
    ],
)
def test_lookup_with_invalid_nik_says_why(api_client, nik, message):
    response = api_client.get(f"/api/residents/{nik}")
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_lookup_unknown_nik_is_404_for_the_dinas(staff_client, palu_regions):
    client = staff_client("dinas_admin", offices=("dinas",))
    response = client.get("/api/residents/7271081708900001")
    assert response.status_code == 404
    assert "7271081708900001" in response.json()["detail"]


def test_kecamatan_operator_cannot_tell_unknown_from_elsewhere(api_client, make_resident):
    """Out of jurisdiction and not registered at all give the same 403: nothing leaks."""
    elsewhere = make_resident(kelurahan="72.71.01.1004")  # Besusu Barat, kecamatan Palu Timur
    unknown = api_client.get("/api/residents/7271081708900001")
    outside = api_client.get(f"/api/residents/{elsewhere.nik}")
    assert unknown.status_code == outside.status_code == 403
    assert unknown.json()["code"] == outside.json()["code"] == "out_of_scope"
    assert elsewhere.full_name not in outside.content.decode()


def test_nik_check_endpoint(api_client):
    ok = api_client.get("/api/nik/7271085708450001/check").json()
    assert ok["valid"] and ok["sex"] == "P" and ok["birth_day"] == 17
    bad = api_client.get("/api/nik/7271084008450001/check").json()
    assert not bad["valid"] and bad["error_code"] == "day_zero"


def test_register_resident_issues_nik(api_client, palu_regions):
    response = post_json(api_client, "/api/residents", resident_data())
    assert response.status_code == 201, response.content
    nik = response.json()["nik"]
    assert nik.startswith("727108570590")
    assert ResidentEvent.objects.filter(resident__nik=nik, recorded_by__username="petugas").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"nik": "12345"}, "nik", "exactly 16 digits"),
        ({"birth_date": "2099-01-01"}, "birth_date", "future"),
        ({"birth_date": "1990-02-31"}, "birth_date", ""),
        ({"sex": "X"}, "sex", ""),
        ({"kelurahan": "72.71.99.9999"}, "kelurahan", ""),
        ({"rt": "0"}, "rt", "001 to 999"),
        ({"rw": "1234"}, "rw", "001 to 999"),
        ({"full_name": "B0B"}, "full_name", "no digits"),
        ({"marital_status": "belum_kawin", "marriage_date": "2015-01-01"}, "marriage_date", "never married"),
        ({"citizenship": "WNA"}, "passport_number", "passport"),
    ],
)
def test_register_with_bad_input_is_422_and_writes_nothing(api_client, palu_regions, overrides, field, message):
    response = post_json(api_client, "/api/residents", resident_data(**overrides))
    assert response.status_code == 422
    body = response.json()
    assert field in body["errors"]
    assert message in " ".join(body["errors"][field])
    assert body["detail"].startswith("Invalid resident data")
    assert not Resident.objects.exists()
    assert not ResidentEvent.objects.exists()


def test_register_with_nik_already_held_is_refused(api_client, sample_family):
    before = Resident.objects.count()
    response = post_json(api_client, "/api/residents", resident_data(nik=sample_family["head"].nik))
    assert response.status_code == 422
    assert "never reused" in response.json()["errors"]["nik"][0]
    assert Resident.objects.count() == before


def test_malformed_json_is_rejected(api_client, palu_regions):
    response = api_client.post("/api/residents", data="{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert not Resident.objects.exists()


def test_register_with_nik_outside_jurisdiction_says_nothing_about_existence(api_client, make_resident):
    """A Mantikulore operator registering a NIK held in Palu Timur, or one nobody holds: one
    answer, one audit entry, nothing stored (no NIK-existence oracle)."""
    from adminduk.audit.models import AuditEntry

    held = make_resident(kelurahan="72.71.01.1004", birth_date="1990-05-17", sex="P")  # issued in Palu Timur
    free = "7271015705900999"  # same issuing kecamatan and birth date, a serial nobody holds
    assert not Resident.objects.filter(nik=free).exists()
    before = Resident.objects.count()
    answers = []
    for nik in (held.nik, free):
        response = post_json(api_client, "/api/residents", resident_data(nik=nik))
        answers.append((response.status_code, response.json()["code"], response.json()["detail"].replace(nik, "NIK")))
    assert answers[0] == answers[1]
    assert answers[0][:2] == (403, "out_of_scope")
    assert Resident.objects.count() == before
    denied = AuditEntry.objects.filter(action="denied", object_type="resident").order_by("pk")
    assert [e.object_id for e in denied] == [held.nik, free]
    assert denied[0].details == denied[1].details


def test_register_with_nik_of_a_resident_who_moved_away_is_refused_like_a_foreign_one(api_client, make_resident):
    """A NIK issued in the operator's kecamatan whose holder now lives elsewhere gets the same
    refusal as a NIK issued elsewhere, never "already held"."""
    moved = make_resident(kelurahan="72.71.01.1004", nik="7271085705900002")
    response = post_json(api_client, "/api/residents", resident_data(nik=moved.nik))
    assert response.status_code == 403
    assert "never reused" not in response.content.decode()
    foreign = post_json(api_client, "/api/residents", resident_data(nik="7271015705900998"))
    assert response.json()["detail"].replace(moved.nik, "") == foreign.json()["detail"].replace("7271015705900998", "")


def test_dinas_may_register_a_nik_issued_anywhere(staff_client, palu_regions):
    client = staff_client("dinas_admin", offices=("dinas",))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = post_json(client, "/api/residents", resident_data(nik="3171015705900001"))  # issued in Jakarta
    assert response.status_code == 201, response.content
    again = post_json(client, "/api/residents", resident_data(nik="3171015705900001"))
    assert again.status_code == 422 and "never reused" in again.json()["errors"]["nik"][0]
