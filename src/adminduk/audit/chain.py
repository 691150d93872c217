"""The audit log's hash chain: every entry carries the hash of the one before it.

An entry's hash is SHA-256 over a canonical JSON serialization of every stored field (its id,
its position `seq`, the previous entry's hash, times in UTC ISO 8601 with microseconds, details
as canonical JSON), computed from the row as the database stored it. One chain head row holds
the position and hash of the last entry, so entries cut off the end are noticed too.

An entry is written with the action it audits (same transaction) and linked right after that
commits (`link_pending`, a short transaction of its own; at most one a second per process, see
link_after_commit). Linking is serialized by the database
(a write on the head row: a row lock on PostgreSQL, the write lock on SQLite), never by an
in-process lock, so any number of web processes and task workers keep one chain, and the
head is never held for the rest of a long transaction that merely audited something.

`verify` walks the chain in order and names the first entry that does not fit. An entry that
showed several residents lists their NIKs in its details ("mentions", covered by its hash);
its AuditMention rows (the tracker's index of them) must name exactly those, so a mention
added, removed or changed behind the application's back is found too.
"""

import datetime as dt
import hashlib
import json
import logging
import time
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
HEAD_ID = 1
VERSION = 1
OPTIONAL_FIELDS = ("subject_nik", "subject_kk", "purpose")


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
    # Columns added after the chain began are covered when set; an entry from before they
    # existed (all None) hashes exactly as it did then.
    for name in OPTIONAL_FIELDS:
        value = getattr(entry, name, None)
        if value is not None:
            fields[name] = value
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry) -> str:
    return hashlib.sha256(serialize(entry)).hexdigest()


def link_pending(batch: int = 500) -> int:
    """Link every committed entry that is not in the chain yet, in id order; return how many.

    Runs in its own short transaction right after the writer's commit (record registers it
    with on_commit), so the chain head is locked for a few milliseconds, never for the rest of
    a long transaction that merely audited something. The first statement writes the head row:
    PostgreSQL locks it until commit (other linkers wait there), SQLite takes its single write
    lock (BEGIN IMMEDIATE). The database allows exactly this one update of an entry: setting
    the chain fields of an unlinked entry, nothing else (migration 0004's trigger)."""
    from .models import AuditChainHead, AuditEntry

    if not AuditEntry.objects.filter(seq__isnull=True).exists():
        return 0
    linked = 0
    entries_table, head_table = AuditEntry._meta.db_table, AuditChainHead._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        lock = f"UPDATE {head_table} SET last_seq = last_seq WHERE id = %s RETURNING last_seq, last_hash"  # noqa: S608
        cursor.execute(lock, [HEAD_ID])
        row = cursor.fetchone()
        if row is None:
            # No head yet (a fresh database, or a test flush emptied the table). A concurrent
            # creator makes get_or_create return the existing row.
            AuditChainHead.objects.get_or_create(pk=HEAD_ID, defaults={"last_seq": 0, "last_hash": GENESIS})
            cursor.execute(lock, [HEAD_ID])
            row = cursor.fetchone()
        seq, previous = row
        while True:
            pending = list(AuditEntry.objects.filter(seq__isnull=True).order_by("id")[:batch])
            links = []
            for entry in pending:
                seq += 1
                entry.seq, entry.prev_hash = seq, previous
                entry.entry_hash = previous = entry_hash(entry)
                links.append((entry.seq, entry.prev_hash, entry.entry_hash, entry.pk))
            if links:
                cursor.executemany(f"UPDATE {entries_table} SET seq = %s, prev_hash = %s, entry_hash = %s WHERE id = %s AND seq IS NULL", links)  # noqa: S608
            linked += len(pending)
            if len(pending) < batch:
                break
        cursor.execute(f"UPDATE {head_table} SET last_seq = %s, last_hash = %s WHERE id = %s", [seq, previous, HEAD_ID])  # noqa: S608
    return linked


_last_link = 0.0  # when this process last linked (time.monotonic)


def link_after_commit() -> None:
    """on_commit callback of record: link now, unless this process linked less than
    ADMINDUK_AUDIT_LINK_INTERVAL seconds ago. Under load that makes one link transaction a
    second per process, taking every entry written meanwhile, instead of one per request (seven
    statements and a commit); the next link, or the task that links every minute, takes the
    entries a quiet process leaves. If linking fails, the next link or the daily check retries
    (the action the entry audits is committed already)."""
    global _last_link
    from django.conf import settings

    now = time.monotonic()
    if now - _last_link < settings.ADMINDUK_AUDIT_LINK_INTERVAL:
        return
    _last_link = now
    try:
        link_pending()
    except DatabaseError:
        logger.exception("linking audit entries into the hash chain failed; the next append or check retries")


MENTION_BATCH = 2000
MENTIONS_CHANGED = "the residents it showed were changed (its mention rows do not match its details)"


def _listed_mentions(entry) -> frozenset:
    mentions = entry.details.get("mentions") if isinstance(entry.details, dict) else None
    return frozenset(mentions) if isinstance(mentions, list) else frozenset()


def _mentions_mismatch(walked: dict[int, tuple[int, frozenset]]) -> int | None:
    """The first of these (intact) entries whose mention rows differ from the NIKs its details
    list, or None: one query per batch."""
    from .models import AuditMention

    if not walked:
        return None
    rows: dict[int, set[str]] = {}
    for entry_id, nik in AuditMention.objects.filter(entry_id__in=list(walked)).values_list("entry_id", "nik"):
        rows.setdefault(entry_id, set()).add(nik)
    for entry_id, (_count, listed) in walked.items():  # in chain order
        if rows.get(entry_id, set()) != listed:
            return entry_id
    return None


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

    link_pending()  # entries whose link was missed (a crash right after their commit)
    head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
    head_seq = head.last_seq if head else 0
    head_hash = head.last_hash if head else GENESIS

    def broken(entry_id, reason, count):
        return Verdict(False, count, entry_id, reason, head_seq, head_hash)

    previous_hash, expected_seq, count, hash_at_head = GENESIS, 1, 0, GENESIS
    walked: dict[int, tuple[int, frozenset]] = {}  # entry id → (entries before it, NIKs it lists)
    for entry in AuditEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=chunk_size):
        if len(walked) >= MENTION_BATCH:
            mismatch = _mentions_mismatch(walked)
            if mismatch is not None:
                return broken(mismatch, MENTIONS_CHANGED, walked[mismatch][0])
            walked = {}
        if entry.seq != expected_seq:
            missing = entry.seq - expected_seq
            noun = "entry" if missing == 1 else "entries"
            return broken(entry.pk, f"{missing} {noun} missing before it (positions {expected_seq}–{entry.seq - 1} deleted)", count)
        if entry.prev_hash != previous_hash:
            return broken(entry.pk, "its link to the previous entry was changed", count)
        if entry_hash(entry) != entry.entry_hash:
            return broken(entry.pk, "changed after it was written (content does not match its hash)", count)
        walked[entry.pk] = (count, _listed_mentions(entry))
        previous_hash, expected_seq, count = entry.entry_hash, expected_seq + 1, count + 1
        if entry.seq == head_seq:
            hash_at_head = entry.entry_hash
    mismatch = _mentions_mismatch(walked)
    if mismatch is not None:
        return broken(mismatch, MENTIONS_CHANGED, walked[mismatch][0])
    last_seq = expected_seq - 1
    if head is None and count:
        return broken(None, "the chain head row is missing", count)
    if head_seq > last_seq:
        missing = head_seq - last_seq
        return broken(None, f"deleted tail: the head records {head_seq} entries, the log ends at {last_seq} ({missing} missing at the end)", count)
    if hash_at_head != head_hash:
        return broken(None, f"the head's hash does not match entry {head_seq} of the chain", count)
    if last_seq > head_seq:
        # Linked while this check ran, or given a position around the linker: the head says.
        current = AuditChainHead.objects.filter(pk=HEAD_ID).values_list("last_seq", flat=True).first() or 0
        if current < last_seq:
            return broken(None, f"entries beyond the head: the head records {current} entries, the log has {last_seq}", count)
    return Verdict(True, count, head_seq=head_seq, head_hash=head_hash)
