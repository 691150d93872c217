"""The schema of each release, checked in: for every app, its last migration at that release
(`releases/<version>.json`). CI migrates a populated database from the newest recorded release
to the head (tests/ops/test_upgrade.py), so an upgrade is tested even on a clone without git
tags. `adminduk release record VERSION` writes the record when a release is tagged (README,
"Releases")."""

import json
import re
from pathlib import Path

RELEASES_DIR = Path(__file__).resolve().parent / "releases"
VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def recorded_versions(directory: Path = RELEASES_DIR) -> list[str]:
    return sorted((p.stem for p in directory.glob("*.json") if VERSION.match(p.stem)), key=version_key)


def load_release(version: str, directory: Path = RELEASES_DIR) -> dict[str, str]:
    return json.loads((directory / f"{version}.json").read_text())["migrations"]


def previous_release(directory: Path = RELEASES_DIR) -> str:
    """The newest recorded release: the schema an installation upgrading to this code runs."""
    versions = recorded_versions(directory)
    if not versions:
        raise LookupError(f"no release recorded in {directory}")
    return versions[-1]


def current_heads(connection=None) -> dict[str, str]:
    """Each app's last migration in this code (one leaf per app; a second means a missing merge)."""
    from django.db import connection as default_connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection or default_connection, ignore_no_migrations=True)
    heads: dict[str, str] = {}
    for app, name in sorted(loader.graph.leaf_nodes()):
        if app in heads:
            raise ValueError(f"app {app} has two last migrations ({heads[app]}, {name}): run `adminduk makemigrations --merge`")
        heads[app] = name
    return heads


def record_release(version: str, directory: Path = RELEASES_DIR) -> Path:
    if not VERSION.match(version):
        raise ValueError(f"a release version is MAJOR.MINOR.PATCH, not {version!r}")
    path = directory / f"{version}.json"
    if path.exists():
        raise FileExistsError(f"{path} exists: a released schema is never rewritten")
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": version, "migrations": current_heads()}, indent=2, sort_keys=True) + "\n")
    return path
