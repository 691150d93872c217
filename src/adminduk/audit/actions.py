"""Writing the audit log. Every read or write of personal data calls `record` once."""

import contextlib
import re
from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest

from . import chain, purposes
from .models import AuditCheck, AuditEntry, AuditMention

_NIK = re.compile(r"^\d{16}$")


def client_ip(request: HttpRequest) -> str | None:
    # Behind the office reverse proxy REMOTE_ADDR is the proxy; trusting X-Forwarded-For is a
    # deployment decision, so only REMOTE_ADDR is used here.
    return request.META.get("REMOTE_ADDR") or None


def record(
    request: HttpRequest | None,
    action: str,
    *,
    object_type: str = "",
    object_id: str = "",
    kecamatan_code: str = "",
    actor=None,
    station=None,
    device_time=None,
    details: dict | None = None,
    subject_nik: str | None = None,
    subject_kk: str | None = None,
    purpose: str | None = None,
    mentions: Iterable[str] | None = None,
) -> AuditEntry:
    """Append one entry; it joins the hash chain when the caller's transaction commits. The
    actor, office, address and path come from the request when given. Whose data it is
    (subject NIK / KK) and why (purpose) are inferred by audit.purposes when not given.

    `mentions`: the NIKs of every resident the action showed when it shows several (a name
    search's results, a list, an export). They go in the details as "mentions" (in the order
    given, once each; the hash chain covers them there) and become one AuditMention each,
    written with the entry, so each resident's data tracker lists the entry."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    from adminduk.accounts.scoping import primary_office_id

    office_id = primary_office_id(actor) if actor is not None else None
    if office_id is None and station is not None:
        office_id = station.office_id  # a node acting on its own (sync) speaks for its office
    inferred_nik, inferred_kk = purposes.infer_subjects(object_type, object_id, details)
    real_actor = actor if actor is not None and getattr(actor, "pk", None) else None
    shown = list(dict.fromkeys(str(nik) for nik in mentions or () if _NIK.match(str(nik))))
    if mentions is not None:
        details = {**(details or {}), "mentions": shown}
    # Entry and mentions commit together (no savepoint inside the caller's transaction).
    with transaction.atomic(savepoint=False) if shown else contextlib.nullcontext():
        entry = _create(request, action, actor, real_actor, office_id, station, device_time, object_type, object_id, kecamatan_code,
                        details, subject_nik or inferred_nik, subject_kk or inferred_kk,
                        purpose or purposes.infer_purpose(object_type, details, real_actor))
        if shown:
            AuditMention.objects.bulk_create([AuditMention(entry=entry, nik=nik, at=entry.at) for nik in shown])
    # Linked into the hash chain right after the commit, in a short transaction of its own; the
    # entry itself is written (or rolled back) with the action it records. One link per commit
    # links every entry of the transaction.
    if not _link_registered():
        transaction.on_commit(chain.link_after_commit, robust=True)
    return entry


def _create(request, action, actor, real_actor, office_id, station, device_time, object_type, object_id, kecamatan_code, details,
            subject_nik, subject_kk, purpose) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=real_actor,
        actor_username=getattr(actor, "username", "") or "",
        actor_role=getattr(actor, "role", "") or "",
        office_id=office_id,
        station=station,
        device_time=device_time,
        ip_address=client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        kecamatan_code=kecamatan_code,
        path=(request.get_full_path()[:300] if request is not None else ""),
        details=chain.canonical_details(details),
        subject_nik=subject_nik,
        subject_kk=subject_kk,
        purpose=purpose,
    )


def _link_registered() -> bool:
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(
        len(pending) > 1 and pending[1] is chain.link_after_commit for pending in connection.run_on_commit
    )


def check_chain() -> AuditCheck:
    """Verify the whole chain and keep the result (the daily task, `adminduk audit verify`)."""
    verdict = chain.verify()
    return AuditCheck.objects.create(
        ok=verdict.ok,
        entries=verdict.count,
        broken_entry_id=verdict.entry_id,
        reason=verdict.reason[:300],
        head_seq=verdict.head_seq,
        head_hash=verdict.head_hash,
    )
