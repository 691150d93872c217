"""Security headers and production settings (issue 9, item 9)."""

import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.usefixtures("english_client")]
LONG_KEY = "k3y-" + "abcdefghij" * 6


def production_settings(**env) -> subprocess.CompletedProcess:
    """Import the settings as production would, in a fresh process, and print what matters."""
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.ADMINDUK_API_DOCS)"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "adminduk.settings", "ADMINDUK_MODE": "production", **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=60)


def test_production_turns_on_hsts_https_redirect_and_the_proxy_header():
    result = production_settings(ADMINDUK_SECRET_KEY=LONG_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')", "True", "False"]


def test_plain_http_lan_switch_turns_the_https_settings_off():
    result = production_settings(ADMINDUK_SECRET_KEY=LONG_KEY, ADMINDUK_INSECURE_COOKIES="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False", "None", "False", "False"]


@pytest.mark.parametrize("key", ["short-key", "a" * 80])
def test_a_short_or_simple_secret_key_is_refused(key):
    result = production_settings(ADMINDUK_SECRET_KEY=key)
    assert result.returncode != 0
    assert "ADMINDUK_SECRET_KEY is too short or too simple" in result.stderr


def test_every_page_carries_a_strict_content_security_policy(client, db):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_an_inline_script_style_or_event_handler():
    """The policy refuses inline code, so no template may carry any."""
    import re
    from pathlib import Path

    import adminduk

    offenders = []
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")|<style\b|\son[a-z]+=|\sstyle=|\shx-on", re.I)
    for path in Path(adminduk.__file__).parent.rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if inline.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert not offenders


def test_api_docs_are_off_unless_enabled(client, settings, make_staff):
    from tests.conftest import login_verified

    login_verified(client, make_staff("dinas_admin"))
    settings.ADMINDUK_API_DOCS = False
    assert client.get("/api/docs").status_code == 404
    assert client.get("/api/openapi.json").status_code == 404
    settings.ADMINDUK_API_DOCS = True
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200
