"""`adminduk check --deploy`: adminduk's own checks beside Django's."""

import email.utils
import re
import subprocess
import sys

import httpx
import pytest

from adminduk.ops import checks


def ids(problems) -> set[str]:
    return {p.id for p in problems}


@pytest.fixture
def key_dir(tmp_path, settings):
    settings.ADMINDUK_KEY_DIR = str(tmp_path / "keys")
    (tmp_path / "keys").mkdir(mode=0o700)
    return tmp_path / "keys"


def test_central_keys(key_dir, settings):
    settings.ROLE = "central"
    assert ids(checks.check_keys()) == {"adminduk.E001"}
    problems = checks.check_keys()
    assert len(problems) == 3 and all("missing key file" in p.msg for p in problems)
    (key_dir / "totp-sealing.key").write_bytes(b"k")
    (key_dir / "central-x25519.key").write_bytes(b"k")
    assert [p.msg for p in checks.check_keys()] == [f"missing key file {key_dir / 'documents-ed25519.key'} (it signs the QR codes of the documents the central issues)"]
    (key_dir / "documents-ed25519.key").write_bytes(b"k")
    assert checks.check_keys() == []
    (key_dir / "central-x25519.key").chmod(0o644)
    assert ids(checks.check_keys()) == {"adminduk.E002"}


def test_node_keys_and_central_key(key_dir, settings):
    settings.ROLE = "node"
    settings.ADMINDUK_CENTRAL_PUBLIC_KEY = ""
    (key_dir / "totp-sealing.key").write_bytes(b"k")
    assert ids(checks.check_keys()) == {"adminduk.E001", "adminduk.E003"}
    (key_dir / "station.key").write_bytes(b"k")
    settings.ADMINDUK_CENTRAL_PUBLIC_KEY = "x" * 44
    assert checks.check_keys() == []


def test_disk_space(monkeypatch):
    assert checks.check_disk_space() == []
    monkeypatch.setattr(checks.health, "MIN_FREE_BYTES", 1 << 60)
    assert ids(checks.check_disk_space()) == {"adminduk.W001"}


def answer(status=200, skew=0.0):
    import time

    date = email.utils.formatdate(time.time() + skew, usegmt=True)
    return lambda url, timeout: httpx.Response(status, headers={"Date": date}, request=httpx.Request("GET", url))


def test_central_reachable_and_clock_skew(settings, monkeypatch):
    settings.ROLE = "node"
    settings.ADMINDUK_CENTRAL_URL = "https://adminduk.palukota.go.id"
    monkeypatch.setattr(httpx, "get", answer())
    assert checks.check_central_reachable() == []
    monkeypatch.setattr(httpx, "get", answer(skew=-300))
    (problem,) = checks.check_central_reachable()
    assert problem.id == "adminduk.E006" and re.search(r"\+30\d s off", problem.msg)  # Date has whole seconds
    monkeypatch.setattr(httpx, "get", answer(status=503))
    assert ids(checks.check_central_reachable()) == {"adminduk.W004"}

    def unreachable(url, timeout):
        raise httpx.ConnectError("no route to host")

    monkeypatch.setattr(httpx, "get", unreachable)
    assert ids(checks.check_central_reachable()) == {"adminduk.W003"}
    settings.ROLE = "central"
    assert checks.check_central_reachable() == []


@pytest.mark.django_db
def test_a_node_without_a_central(settings):
    settings.ROLE = "node"
    settings.ADMINDUK_CENTRAL_URL = ""
    assert ids(checks.check_central_reachable()) == {"adminduk.E005"}


def test_check_deploy_is_clean_on_a_configured_central(tmp_path):
    """The command as an operator runs it: production mode, keys in place, static files
    collected, HTTPS settings on: no error and no warning."""
    import os
    import secrets

    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADMINDUK_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env |= {
        "ADMINDUK_DATA_DIR": str(data), "ADMINDUK_SECRET_KEY": secrets.token_urlsafe(64), "ADMINDUK_ALLOWED_HOSTS": "adminduk.palukota.go.id",
        "ADMINDUK_MIN_FREE_BYTES": "1", "ADMINDUK_HSTS_SUBDOMAINS": "1",
    }
    command = [sys.executable, "-m", "adminduk"]
    first = subprocess.run([*command, "check", "--deploy"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert first.returncode != 0 and "adminduk.E001" in first.stderr and "adminduk.E004" in first.stderr
    assert "Traceback" not in first.stderr
    subprocess.run([*command, "collectstatic", "--noinput", "-v0"], env=env, cwd=tmp_path, check=True, capture_output=True, timeout=1200)  # compresses every file: minutes on a loaded machine
    keygen = subprocess.run([*command, "central", "keygen"], env=env, cwd=tmp_path, check=True, capture_output=True, text=True, timeout=120)
    assert "Public key for the nodes:" in keygen.stdout
    clean = subprocess.run([*command, "check", "--deploy", "--fail-level", "WARNING"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "no issues" in clean.stdout
