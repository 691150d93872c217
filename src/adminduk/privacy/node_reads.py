"""Staff reads made on a kecamatan node reach the residents' trackers at the central.

A node's audit log stays on the node; the central's tracker would miss what office staff opened
there. So the node forwards every staff entry that names a resident or KK (subject columns)
or shows residents among others (mentions: a name search's results, a list) as an event
packet in its exactly-once outbox (signed by the station, sealed to the central), in id order
from a cursor, at most BATCH entries a packet. The central stores each forwarded
entry once (the packet UUID is applied once) as an entry of its own chain, with the node's time
as device time, the node's office, the operator's username and role, the purpose, the
subject and the NIKs it mentions, so the tracker lists it like a read at the central."""

import json
import uuid
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from adminduk.accounts.permissions import STAFF_ROLES
from adminduk.audit.actions import record
from adminduk.audit.models import AuditEntry, AuditMention

KIND_AUDIT_READS = "audit_reads"
BATCH = 500
FIELDS = ("action", "object_type", "object_id", "kecamatan_code", "subject_nik", "subject_kk", "purpose", "actor_username", "actor_role")


def forward_pending(limit: int = BATCH) -> int:
    """On a node: put the next staff entries about residents in the outbox; how many."""
    if settings.ROLE != "node":
        return 0
    from adminduk.enrollment import packets, sealing
    from adminduk.enrollment.station import current_station
    from adminduk.offices.models import Office
    from adminduk.sync import outbox

    from .models import ForwardCursor

    with transaction.atomic():
        cursor, _ = ForwardCursor.objects.select_for_update().get_or_create(pk=1)
        mentions = AuditMention.objects.filter(entry=OuterRef("pk"))
        entries = list(
            AuditEntry.objects.filter(pk__gt=cursor.last_id, actor_role__in=sorted(STAFF_ROLES))
            .filter(Q(subject_nik__isnull=False) | Q(subject_kk__isnull=False) | Exists(mentions))
            .select_related("office").order_by("id")[:limit]
        )
        if not entries:
            return 0
        shown: dict[int, list[str]] = {}
        for entry_id, nik in AuditMention.objects.filter(entry__in=entries).order_by("id").values_list("entry_id", "nik"):
            shown.setdefault(entry_id, []).append(nik)
        rows = [
            {"id": e.pk, "at": e.at.isoformat(), **{name: getattr(e, name) for name in FIELDS}, "mentions": shown.get(e.pk, []),
             "by": str((e.details or {}).get("by", ""))[:10]}
            for e in entries
        ]
        packet_id, now = uuid.uuid4(), timezone.now()
        body = json.dumps({"entries": rows}, sort_keys=True).encode()
        office = entries[0].office or Office.objects.filter(is_active=True).order_by("code").first()
        identity = current_station(office)
        sealed = {"event": packets.seal_part(packet_id, "event", body, sealing.central_public_key())}
        outbox.enqueue(packets.build_packet(packet_id=packet_id, station_id=identity.station.pk, kind=KIND_AUDIT_READS, sealed_parts=sealed,
                                            private_key=identity.private_key, created_at=now))
        cursor.last_id = entries[-1].pk
        cursor.save(update_fields=["last_id", "updated_at"])
    return len(entries)


def apply_packet(packet_id) -> str:
    """At the central: store the forwarded entries of one packet, once; its final inbox state."""
    import datetime as dt

    from adminduk.enrollment import packets, sealing
    from adminduk.sync.models import InboxPacket

    with transaction.atomic():
        inbox = InboxPacket.objects.select_for_update(of=("self",)).select_related("station__office").get(pk=packet_id)
        if inbox.kind != KIND_AUDIT_READS or inbox.state in (InboxPacket.State.PROCESSED, InboxPacket.State.FAILED):
            return inbox.state
        try:
            packet = packets.parse_packet(bytes(inbox.body))
            rows = json.loads(packet.open_part("event", sealing.central_private_key()))["entries"]
            with transaction.atomic():
                for row in rows:
                    if row["actor_role"] not in STAFF_ROLES:
                        raise ValueError(f"entry {row.get('id')} is not a staff read")
                    actor = SimpleNamespace(username=str(row["actor_username"])[:150], role=row["actor_role"], pk=None)
                    mentions = row.get("mentions") or []  # absent in packets of nodes older than mentions
                    if not isinstance(mentions, list):
                        raise ValueError(f"entry {row.get('id')}: mentions must be a list")
                    details = {"node_entry": row["id"], "node": inbox.station.office.code}
                    if row.get("by"):
                        details["by"] = str(row["by"])[:10]
                    record(None, str(row["action"])[:12], actor=actor, station=inbox.station, device_time=dt.datetime.fromisoformat(row["at"]),
                           object_type=str(row["object_type"])[:40], object_id=str(row["object_id"])[:64], kecamatan_code=str(row["kecamatan_code"])[:8],
                           subject_nik=row["subject_nik"], subject_kk=row["subject_kk"], purpose=row["purpose"],
                           details=details, mentions=mentions or None)
            inbox.state, inbox.state_detail = InboxPacket.State.PROCESSED, f"{len(rows)} reads"
        except (packets.PacketError, ValueError, KeyError, TypeError) as exc:
            inbox.state, inbox.state_detail = InboxPacket.State.FAILED, f"forwarded reads refused: {exc}"[:300]
        inbox.save(update_fields=["state", "state_detail", "updated_at"])
        return inbox.state
