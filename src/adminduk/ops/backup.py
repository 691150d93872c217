"""Backup and restore of a node (or a SQLite central): the database through SQLite's online
backup API (consistent while the node keeps working), the key directory and the env file, in
one tar archive encrypted with a passphrase.

File format: MAGIC, a JSON header line (scrypt parameters, salt, nonce prefix), then chunks of
at most CHUNK bytes, each `length (4 bytes) || AES-256-GCM(chunk)`. The key comes from the
passphrase through scrypt; chunk i's nonce is the prefix and i, and its associated data the
header and whether it is the last chunk, so a reordered, cut or altered file does not open.

A PostgreSQL central is backed up with pg_dump and WAL archiving instead (README, Deployment)."""

import base64
import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import struct
import tarfile
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings

MAGIC = b"ADMINDUK-BACKUP-1\n"
CHUNK = 1024 * 1024
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
MIN_PASSPHRASE = 12
DATABASE_MEMBER = "database.sqlite3"
ENV_MEMBER = "adminduk.env"
KEYS_PREFIX = "keys/"
MANIFEST_MEMBER = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on, with the reason in one line."""


def check_passphrase(passphrase: str) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
    return passphrase.encode()


def _key(passphrase: bytes, salt: bytes, params: dict) -> bytes:
    return Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"]).derive(passphrase)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">Q", index)


def encrypt_stream(source, target, passphrase: str) -> None:
    salt, prefix = os.urandom(16), os.urandom(4)
    header = json.dumps({"kdf": "scrypt", **SCRYPT, "salt": base64.b64encode(salt).decode(), "nonce": base64.b64encode(prefix).decode()}).encode() + b"\n"
    aead = AESGCM(_key(check_passphrase(passphrase), salt, SCRYPT))
    target.write(MAGIC + header)
    index, chunk = 0, source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        sealed = aead.encrypt(_nonce(prefix, index), chunk, MAGIC + header + (b"\x01" if last else b"\x00"))
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        index, chunk = index + 1, following


def decrypt_stream(source, target, passphrase: str) -> None:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("not an adminduk backup file")
    header = source.readline(4096)
    try:
        fields = json.loads(header)
        salt, prefix = base64.b64decode(fields["salt"]), base64.b64decode(fields["nonce"])
        params = {k: int(fields[k]) for k in ("n", "r", "p")}
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError("the backup file's header is damaged") from exc
    if params["n"] > 2**20 or params["r"] > 32 or params["p"] > 16:
        raise BackupError("the backup file's header is damaged")
    aead = AESGCM(_key(passphrase.encode(), salt, params))
    index = 0
    while True:
        length = source.read(4)
        if len(length) < 4:
            raise BackupError("the backup file is cut short")
        (size,) = struct.unpack(">I", length)
        if size > CHUNK + 16:
            raise BackupError("the backup file is damaged")
        sealed = source.read(size)
        if len(sealed) < size:
            raise BackupError("the backup file is cut short")
        for last in (False, True):
            try:
                plain = aead.decrypt(_nonce(prefix, index), sealed, MAGIC + header + (b"\x01" if last else b"\x00"))
                break
            except InvalidTag:
                continue
        else:
            if index == 0:
                raise BackupError("wrong passphrase, or the backup file was altered")
            raise BackupError("the backup file was altered")
        target.write(plain)
        if last:
            if source.read(1):
                raise BackupError("the backup file has data after its end")
            return
        index += 1


# --- what goes into a backup -------------------------------------------------------------


def sqlite_path() -> Path:
    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3"):
        raise BackupError(
            "this database is PostgreSQL: back it up with pg_dump and WAL archiving (README, Deployment); "
            "`adminduk backup` is for a node's SQLite database"
        )
    return Path(database["NAME"])


def key_dir() -> Path:
    return Path(settings.ADMINDUK_KEY_DIR)


def env_file() -> Path:
    return Path(settings.DATA_DIR) / ENV_MEMBER


def _online_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while other connections keep writing."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst, pages=4096)
    finally:
        dst.close()
        src.close()


def _latest_migrations(path: Path) -> dict:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    latest = {}
    for app, name in rows:
        latest[app] = name
    return latest


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(dt.datetime.now(dt.UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def create_backup(output: Path, passphrase: str) -> dict:
    """Write the encrypted backup to `output` (never over an existing file); returns its manifest."""
    check_passphrase(passphrase)
    database = sqlite_path()
    if not database.exists():
        raise BackupError(f"no database at {database}: nothing to back up")
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} exists already; choose another file name")
    with tempfile.TemporaryDirectory(prefix="adminduk-backup-", dir=Path(settings.DATA_DIR)) as scratch:
        copy = Path(scratch) / DATABASE_MEMBER
        _online_copy(database, copy)
        keys = sorted(p for p in key_dir().glob("*") if p.is_file()) if key_dir().is_dir() else []
        manifest = {
            "format": 1,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "role": settings.ROLE,
            "station_id": _station_id(copy),
            "migrations": _latest_migrations(copy),
            "database_sha256": _sha256_file(copy),
            "keys": [p.name for p in keys],
            "env_file": env_file().exists(),
        }
        plain = Path(scratch) / "backup.tar"
        with tarfile.open(plain, "w") as archive:
            _add(archive, MANIFEST_MEMBER, json.dumps(manifest, indent=1).encode())
            archive.add(copy, DATABASE_MEMBER)
            for path in keys:
                _add(archive, KEYS_PREFIX + path.name, path.read_bytes())
            if env_file().exists():
                _add(archive, ENV_MEMBER, env_file().read_bytes())
        partial = output.with_name(output.name + ".partial")
        try:
            with open(plain, "rb") as source, open(partial, "xb") as target:
                encrypt_stream(source, target, passphrase)
                target.flush()
                os.fsync(target.fileno())
            partial.rename(output)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _station_id(path: Path) -> str:
    try:
        with sqlite3.connect(path) as db:
            row = db.execute("SELECT station_id FROM sync_nodestate WHERE id = 1").fetchone()
    except sqlite3.Error:
        return ""
    return str(row[0]) if row and row[0] else ""


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


# --- restore -------------------------------------------------------------------------------


def read_backup(path: Path, passphrase: str, scratch: Path) -> tuple[dict, Path, dict[str, bytes], bytes | None]:
    """Decrypt and unpack into `scratch`: (manifest, database copy, key files, env file)."""
    plain = scratch / "backup.tar"
    try:
        with open(path, "rb") as source, open(plain, "wb") as target:
            decrypt_stream(source, target, passphrase)
    except FileNotFoundError as exc:
        raise BackupError(f"no backup file at {path}") from exc
    keys, env, manifest, database = {}, None, None, scratch / DATABASE_MEMBER
    with tarfile.open(plain) as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            data = archive.extractfile(member).read()
            if member.name == MANIFEST_MEMBER:
                manifest = json.loads(data)
            elif member.name == DATABASE_MEMBER:
                database.write_bytes(data)
            elif member.name == ENV_MEMBER:
                env = data
            elif member.name.startswith(KEYS_PREFIX) and "/" not in member.name[len(KEYS_PREFIX):]:
                keys[member.name[len(KEYS_PREFIX):]] = data
    if manifest is None or not database.exists() or _sha256_file(database) != manifest.get("database_sha256"):
        raise BackupError("the backup is incomplete (manifest or database missing or not matching)")
    return manifest, database, keys, env


def _has_data(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        with sqlite3.connect(path) as db:
            return bool(db.execute("SELECT COUNT(*) FROM django_migrations").fetchone()[0])
    except sqlite3.Error:
        return True


def restore_backup(path: Path, passphrase: str, *, force: bool = False) -> dict:
    """Put the backed-up database, keys and env file in place. Refuses to overwrite a database
    with data, or differing key files, unless `force`. Nothing is changed when it refuses or
    when the file does not open."""
    target = sqlite_path()
    with tempfile.TemporaryDirectory(prefix="adminduk-restore-", dir=_scratch_parent(target)) as scratch:
        manifest, database, keys, env = read_backup(Path(path), passphrase, Path(scratch))
        if not force:
            if _has_data(target):
                raise BackupError(f"{target} holds data already; stop the node's services and add --force to replace it")
            for name, data in keys.items():
                existing = key_dir() / name
                if existing.exists() and existing.read_bytes() != data:
                    raise BackupError(f"{existing} differs from the backup's; add --force to replace it")
        target.parent.mkdir(parents=True, exist_ok=True)
        # Through SQLite's backup API, not a file copy: a stale -wal beside the target is reset too.
        _online_copy(database, target)
        key_dir().mkdir(parents=True, exist_ok=True)
        for name, data in keys.items():
            _write_private(key_dir() / name, data)
        if env is not None and (force or not env_file().exists()):
            _write_private(env_file(), env)
    return manifest


def _scratch_parent(target: Path) -> Path:
    parent = Path(settings.DATA_DIR)
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def _write_private(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".restoring")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    partial.replace(path)
