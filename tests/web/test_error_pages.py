"""Error pages: the application's layout, the user's language, what to do next; never Django's
debug pages, never an internal reason."""

import os
import subprocess
import sys

import pytest

from adminduk.web import views

pytestmark = pytest.mark.django_db


def test_unknown_address_is_a_404_page_in_indonesian_by_default(client):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="topbar"' in html  # the application's layout
    assert "Tidak ditemukan" in html and "Kembali ke beranda" in html
    assert "URLconf" not in html and "Page not found" not in html


def test_404_page_speaks_english_when_asked(english_client):
    html = english_client.get("/no-such-page/").content.decode()
    assert "Not found" in html and "Back to the home page" in html


def test_403_page_says_what_to_do_and_hides_the_internal_reason(staff_client):
    client = staff_client("verifier", offices=("72.71.08",))  # a verifier may not export
    response = client.get("/penduduk/ekspor/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Akses ditolak" in html and "admin Dinas" in html
    assert "may not" not in html and "export_residents" not in html.lower()


def test_a_crash_shows_the_500_page_not_a_traceback(staff_client, monkeypatch):
    client = staff_client("dinas_admin")
    client.raise_request_exception = False

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(views.queries, "registry_figures", broken)
    response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Terjadi kesalahan pada server" in html and 'class="topbar"' in html
    assert "database gone" not in html and "Traceback" not in html and "RuntimeError" not in html


def test_an_expired_csrf_token_gets_the_form_expired_page(staff_client):
    client = staff_client("dinas_admin")
    client.handler.enforce_csrf_checks = True
    response = client.post("/logout/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formulir kedaluwarsa" in html and "CSRF verification failed" not in html


def test_api_errors_stay_json(client):
    response = client.get("/api/tidak-ada/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_demo_mode_runs_without_debug():
    """The demo serves the error pages above, not Django's debug pages."""
    env = {**os.environ, "ADMINDUK_MODE": "demo"}
    env.pop("ADMINDUK_DEBUG", None)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "adminduk.settings"}, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
