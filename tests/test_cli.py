"""The `adminduk` console command, run as a real process."""

import os
import subprocess
import sys

import pytest


def run(*args, **env):
    environment = {**os.environ, "ADMINDUK_MODE": "test", **env}
    return subprocess.run([sys.executable, "-m", "adminduk", *args], capture_output=True, text=True, env=environment, timeout=120)


def test_nik_check_prints_parts_and_exits_0():
    result = run("nik", "check", "7271085708450001", LANGUAGE="en")
    assert result.returncode == 0, result.stderr
    assert "72.71.08" in result.stdout
    assert "17-08-45" in result.stdout
    assert "0001" in result.stdout


def test_nik_check_exits_1_and_says_why_for_each_invalid_nik():
    result = run("nik", "check", "7271085708450001", "7271083102450001", "727108")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any("7271083102450001" in line and "02" in line for line in lines)
    assert sum("7271085708450001" in line for line in lines) == 1
    assert len([line for line in lines if line.startswith(("7271083102450001", "727108:"))]) == 2


def test_production_mode_refuses_to_start_without_secret_key():
    result = run("check", ADMINDUK_MODE="production", ADMINDUK_SECRET_KEY="")
    assert result.returncode != 0
    assert "ADMINDUK_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("role", ["central", "node"])
def test_roles_are_accepted(role):
    assert run("check", ADMINDUK_ROLE=role).returncode == 0


def test_unknown_role_is_refused():
    result = run("check", ADMINDUK_ROLE="kecamatan")
    assert result.returncode != 0 and "ADMINDUK_ROLE" in result.stderr
