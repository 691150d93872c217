"""Malformed request bodies to the JSON API: a clear JSON 4xx, never a 500 or a traceback (also
in the demo's DEBUG mode), and nothing stored. The client enforces CSRF as a browser session
does, so the body is read exactly where a real request reads it."""

import json

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from adminduk.population.models import Resident, ResidentEvent
from tests.conftest import login_verified, resident_data

pytestmark = [pytest.mark.django_db]

VALID = json.dumps(resident_data()).encode()

BODIES = {
    "multipart without boundary": (b"full_name=SITI", "multipart/form-data", 400, "multipart"),
    "multipart with a broken body": (b"--x\r\nfoo", "multipart/form-data; boundary=x", 415, "application/json"),
    "multipart form of the fields": (
        b'--x\r\nContent-Disposition: form-data; name="full_name"\r\n\r\nSITI\r\n--x--\r\n', "multipart/form-data; boundary=x", 415, "application/json"
    ),
    "form encoded": (b"full_name=SITI&rw=002", "application/x-www-form-urlencoded", 400, ""),
    "plain text": (b"hello", "text/plain", 400, ""),
    "invalid JSON": (b"{not json", "application/json", 400, ""),
    "deeply nested JSON": (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, ""),
    "huge integer": (VALID.replace(b'"rw": "002"', b'"rw": 1' + b"0" * 5000), "application/json", 400, ""),
    "huge float": (VALID.replace(b'"rw": "002"', b'"rw": 1e999'), "application/json", 422, ""),
    "JSON list": (b"[]", "application/json", 422, ""),
    "not UTF-8": (b'{"full_name": "\xff"}', "application/json", 400, ""),
    "NUL in the NIK": (json.dumps(resident_data(nik="72710857\x00590001")).encode(), "application/json", 422, ""),
    "too large": (b"x" * (3 * 1024 * 1024), "application/json", 413, "larger"),
}


@pytest.fixture
def csrf_client(make_staff, palu_regions, settings):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    login_verified(client, make_staff("kecamatan_operator", offices=("72.71.08",)))
    token = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    client.csrf_token = token
    return client


@pytest.mark.parametrize("debug", [False, True], ids=["production", "demo-debug"])
@pytest.mark.parametrize("name", list(BODIES))
def test_malformed_body_is_a_clear_4xx_and_stores_nothing(csrf_client, settings, debug, name):
    settings.DEBUG = debug
    body, content_type, status, words = BODIES[name]
    response = csrf_client.generic("POST", "/api/residents", body, content_type=content_type, HTTP_X_CSRFTOKEN=csrf_client.csrf_token)
    assert 400 <= response.status_code < 500, response.content[:500]
    if status is not None:
        assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert "Traceback" not in response.content.decode()
    assert words in (detail if isinstance(detail, str) else json.dumps(detail))
    assert not Resident.objects.exists() and not ResidentEvent.objects.exists()


def test_a_valid_body_through_the_same_client_is_stored(csrf_client):
    response = csrf_client.generic("POST", "/api/residents", VALID, content_type="application/json", HTTP_X_CSRFTOKEN=csrf_client.csrf_token)
    assert response.status_code == 201, response.content


def test_the_refusals_speak_indonesian_by_default(csrf_client, make_resident):
    csrf_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "id"
    response = csrf_client.generic("POST", "/api/residents", b"x", content_type="multipart/form-data", HTTP_X_CSRFTOKEN=csrf_client.csrf_token)
    assert "formulir multipart" in response.json()["detail"]
    held = make_resident(kelurahan="72.71.01.1004")
    body = json.dumps(resident_data(nik=held.nik)).encode()
    response = csrf_client.generic("POST", "/api/residents", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf_client.csrf_token)
    assert response.status_code == 403 and "tidak diterbitkan di kecamatan Anda" in response.json()["detail"]
