"""`adminduk backup` / `restore` in one process: the encrypted format, what a backup holds, and
refusals that change nothing. The restore of a node that then re-syncs with a real central is in
test_node_restore.py."""

import io
import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from adminduk.ops import backup

PASSPHRASE = "kata sandi cadangan 2026"


def roundtrip(data: bytes, passphrase=PASSPHRASE, read_with=PASSPHRASE) -> bytes:
    sealed = io.BytesIO()
    backup.encrypt_stream(io.BytesIO(data), sealed, passphrase)
    out = io.BytesIO()
    backup.decrypt_stream(io.BytesIO(sealed.getvalue()), out, read_with)
    return out.getvalue()


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    monkeypatch.setattr(backup, "SCRYPT", {"n": 2**10, "r": 8, "p": 1})


@pytest.mark.parametrize("size", [0, 1, backup.CHUNK - 1, backup.CHUNK, 2 * backup.CHUNK + 7])
def test_encryption_roundtrip_at_chunk_edges(size):
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    assert roundtrip(data) == data


def test_nothing_readable_without_the_passphrase():
    sealed = io.BytesIO()
    backup.encrypt_stream(io.BytesIO(b"NIK 7271085708450001"), sealed, PASSPHRASE)
    assert b"7271085708450001" not in sealed.getvalue()
    with pytest.raises(backup.BackupError, match="wrong passphrase"):
        roundtrip(b"secret", read_with="another passphrase entirely")


def test_cut_reordered_or_altered_files_do_not_open():
    data = bytes(3 * backup.CHUNK)
    sealed = io.BytesIO()
    backup.encrypt_stream(io.BytesIO(data), sealed, PASSPHRASE)
    whole = sealed.getvalue()
    header_end = whole.index(b"\n", len(backup.MAGIC)) + 1
    chunk = 4 + backup.CHUNK + 16
    cut = whole[: header_end + 2 * chunk]  # the last chunk is missing: still looks whole up to there
    altered = bytearray(whole)
    altered[header_end + chunk + 100] ^= 1
    swapped = whole[:header_end] + whole[header_end + chunk : header_end + 2 * chunk] + whole[header_end : header_end + chunk] + whole[header_end + 2 * chunk :]
    for bad, reason in ((cut, "cut short"), (bytes(altered), "altered"), (swapped, "altered"), (b"PK\x03\x04", "not an adminduk backup")):
        with pytest.raises(backup.BackupError, match=reason):
            backup.decrypt_stream(io.BytesIO(bad), io.BytesIO(), PASSPHRASE)


def test_a_short_passphrase_is_refused():
    with pytest.raises(backup.BackupError, match="at least 12"):
        backup.encrypt_stream(io.BytesIO(b""), io.BytesIO(), "short")


@pytest.fixture
def node_files(tmp_path, settings, monkeypatch):
    """A node's data directory with a SQLite database (not the test database), keys and env file."""
    data = tmp_path / "node"
    (data / "keys").mkdir(parents=True)
    database = data / "adminduk.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT)")
        db.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('sync', '0001_initial', 'now')")
        db.execute("CREATE TABLE sync_outboxpacket (id TEXT PRIMARY KEY, state TEXT)")
        db.executemany("INSERT INTO sync_outboxpacket VALUES (?, 'pending')", [(f"p{i}",) for i in range(50)])
    (data / "keys" / "station.key").write_bytes(b"station private key")
    (data / "keys" / "totp-sealing.key").write_bytes(b"totp key")
    (data / "adminduk.env").write_text("ADMINDUK_ROLE=node\n")
    settings.DATA_DIR = data
    settings.ADMINDUK_KEY_DIR = str(data / "keys")
    monkeypatch.setattr(backup, "sqlite_path", lambda: database)
    return data


def test_backup_holds_database_keys_and_env_file_and_restores_elsewhere(node_files, tmp_path, settings, monkeypatch):
    archive = tmp_path / "node.backup"
    passfile = tmp_path / "pass"
    passfile.write_text(PASSPHRASE + "\n")
    call_command("backup", "--output", str(archive), "--passphrase-file", str(passfile))
    raw = archive.read_bytes()
    assert raw.startswith(backup.MAGIC) and b"station private key" not in raw and b"pending" not in raw
    assert archive.stat().st_mode & 0o077 == 0
    # A new machine: empty data directory.
    fresh = tmp_path / "fresh"
    settings.DATA_DIR = fresh
    settings.ADMINDUK_KEY_DIR = str(fresh / "keys")
    monkeypatch.setattr(backup, "sqlite_path", lambda: fresh / "adminduk.sqlite3")
    call_command("restore", str(archive), "--passphrase-file", str(passfile))
    with sqlite3.connect(fresh / "adminduk.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM sync_outboxpacket WHERE state = 'pending'").fetchone()[0] == 50
    assert (fresh / "keys" / "station.key").read_bytes() == b"station private key"
    assert (fresh / "keys" / "station.key").stat().st_mode & 0o077 == 0
    assert (fresh / "adminduk.env").read_text() == "ADMINDUK_ROLE=node\n"


def test_restore_refuses_to_overwrite_and_changes_nothing_when_it_refuses(node_files, tmp_path):
    archive = tmp_path / "node.backup"
    manifest = backup.create_backup(archive, PASSPHRASE)
    assert manifest["keys"] == ["station.key", "totp-sealing.key"] and manifest["env_file"]
    with sqlite3.connect(node_files / "adminduk.sqlite3") as db:
        db.execute("UPDATE sync_outboxpacket SET state = 'delivered'")
    with pytest.raises(backup.BackupError, match="holds data already"):
        backup.restore_backup(archive, PASSPHRASE)
    with pytest.raises(backup.BackupError, match="wrong passphrase"):
        backup.restore_backup(archive, "not the right passphrase", force=True)
    with sqlite3.connect(node_files / "adminduk.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM sync_outboxpacket WHERE state = 'delivered'").fetchone()[0] == 50
    backup.restore_backup(archive, PASSPHRASE, force=True)
    with sqlite3.connect(node_files / "adminduk.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM sync_outboxpacket WHERE state = 'pending'").fetchone()[0] == 50


def test_backup_never_overwrites_a_file(node_files, tmp_path):
    archive = tmp_path / "exists.backup"
    archive.write_bytes(b"older backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", "--output", str(archive), "--passphrase-file", str(tmp_path / "missing"))
    assert archive.read_bytes() == b"older backup"


def test_postgresql_is_pointed_to_pg_dump(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    with pytest.raises(backup.BackupError, match="pg_dump"):
        backup.sqlite_path()
