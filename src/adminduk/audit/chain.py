"""The audit log's hash chain: every entry carries the hash of the one before it.

An entry's hash is SHA-256 over a canonical JSON serialization of every stored field (its id,
its position `seq`, the previous entry's hash, times in UTC ISO 8601 with microseconds, details
as canonical JSON). One chain head row holds the position and hash of the last entry, so
entries cut off the end are noticed too. Appends are serialized by the database (a write on the
head row at the start of the appending transaction: a row lock on PostgreSQL, the write lock
on SQLite), never by an in-process lock, so any number of web processes and task workers
append to one chain.

`verify` walks the chain in order and names the first entry that does not fit.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F

GENESIS = "0" * 64
HEAD_ID = 1
VERSION = 1


def _canonical_json_value(value):
    """JSON as the database gives it back: integral floats become ints (PostgreSQL's jsonb
    prints 1.0 as 1 and 1e20 in full), keys are strings, tuples are lists."""
    if isinstance(value, dict):
        return {str(k): _canonical_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical_json_value(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical_details(details) -> dict:
    """What `details` reads back as after a round trip through the database."""
    return _canonical_json_value(json.loads(json.dumps(details or {})))


def _time(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _text(value) -> str | None:
    return None if value is None else str(value)


def serialize(entry) -> bytes:
    """The canonical bytes an entry's hash covers: every stored field but the hash itself."""
    fields = {
        "v": VERSION,
        "id": entry.pk,
        "seq": entry.seq,
        "prev_hash": entry.prev_hash,
        "at": _time(entry.at),
        "device_time": _time(entry.device_time),
        "actor_id": _text(entry.actor_id),
        "actor_username": entry.actor_username,
        "actor_role": entry.actor_role,
        "office_id": _text(entry.office_id),
        "station_id": _text(entry.station_id),
        "ip_address": entry.ip_address or None,
        "user_agent": entry.user_agent,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "kecamatan_code": entry.kecamatan_code,
        "path": entry.path,
        "details": canonical_details(entry.details),
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry) -> str:
    return hashlib.sha256(serialize(entry)).hexdigest()


def _next_entry_id(entry_model) -> int:
    """Allocate the new entry's id before the insert, so the hash can cover it. Runs while the
    chain is locked, so on SQLite nobody else inserts in between."""
    table = entry_model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            return cursor.fetchone()[0]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 (table name from the model)
        highest = cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
        return highest + 1


def append(entry):
    """Insert `entry` (unsaved) as the chain's next link. Must be the only way entries are
    written: audit.actions.record calls it."""
    from .models import AuditChainHead

    entry_model = type(entry)
    with transaction.atomic():
        # Writing the head first takes the lock: PostgreSQL locks the row until commit (other
        # appenders wait here), SQLite holds its single write lock (BEGIN IMMEDIATE).
        locked = AuditChainHead.objects.filter(pk=HEAD_ID).update(last_seq=F("last_seq"))
        if not locked:
            # No head yet (a fresh database, or a test flush emptied the table): create it,
            # then lock it. A concurrent creator makes get_or_create return the existing row.
            AuditChainHead.objects.get_or_create(pk=HEAD_ID, defaults={"last_seq": 0, "last_hash": GENESIS})
            AuditChainHead.objects.filter(pk=HEAD_ID).update(last_seq=F("last_seq"))
        head = AuditChainHead.objects.get(pk=HEAD_ID)
        entry.pk = _next_entry_id(entry_model)
        entry.seq = head.last_seq + 1
        entry.prev_hash = head.last_hash
        entry.details = canonical_details(entry.details)
        # Stored as the database will give it back (IPv6 addresses are normalized on save).
        entry.ip_address = entry_model._meta.get_field("ip_address").get_prep_value(entry.ip_address) or None
        entry.entry_hash = entry_hash(entry)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=HEAD_ID).update(last_seq=entry.seq, last_hash=entry.entry_hash)
    return entry


@dataclass(frozen=True)
class Verdict:
    ok: bool
    count: int
    entry_id: int | None = None  # the first entry that does not fit
    reason: str = ""
    head_seq: int = 0
    head_hash: str = ""


def verify(chunk_size: int = 5000) -> Verdict:
    """Walk the chain from its first entry; stop at the first entry that does not fit."""
    from .models import AuditChainHead, AuditEntry

    head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
    head_seq = head.last_seq if head else 0
    head_hash = head.last_hash if head else GENESIS
    unchained = AuditEntry.objects.filter(seq__isnull=True).order_by("id").values_list("id", flat=True).first()
    if unchained is not None:
        return Verdict(False, 0, unchained, "not in the chain (no position or hash: inserted around the application)", head_seq, head_hash)
    previous_hash, expected_seq, count = GENESIS, 1, 0
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size)
    for entry in entries:
        if entry.seq != expected_seq:
            missing = entry.seq - expected_seq
            return Verdict(
                False, count, entry.pk,
                f"{missing} entr{'y' if missing == 1 else 'ies'} missing before it (positions {expected_seq}–{entry.seq - 1} deleted)",
                head_seq, head_hash,
            )  # fmt: skip
        if entry.prev_hash != previous_hash:
            return Verdict(False, count, entry.pk, "its link to the previous entry was changed", head_seq, head_hash)
        if entry_hash(entry) != entry.entry_hash:
            return Verdict(False, count, entry.pk, "changed after it was written (content does not match its hash)", head_seq, head_hash)
        previous_hash, expected_seq, count = entry.entry_hash, expected_seq + 1, count + 1
    last_seq = expected_seq - 1
    if head is None and count:
        return Verdict(False, count, None, "the chain head row is missing", head_seq, head_hash)
    if head_seq > last_seq:
        missing = head_seq - last_seq
        return Verdict(
            False, count, None,
            f"deleted tail: the head records {head_seq} entries, the log ends at {last_seq} ({missing} missing at the end)",
            head_seq, head_hash,
        )  # fmt: skip
    if head_seq < last_seq or head_hash != previous_hash:
        return Verdict(False, count, None, f"the head (position {head_seq}) does not match the last entry ({last_seq})", head_seq, head_hash)
    return Verdict(True, count, head_seq=head_seq, head_hash=head_hash)
