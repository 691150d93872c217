"""Storing pushed packets at the central, exactly once per UUID.

One transaction per batch. Every packet is checked on its own first (structure and checksums,
a registered and unrevoked station of the pushing node's office, the station's signature); the
good ones are inserted with ``INSERT … ON CONFLICT (id) DO NOTHING RETURNING id`` in a fixed
(UUID) order, so two deliveries of the same batch at once neither deadlock nor both claim a
packet. A UUID already stored is compared by SHA-256: the same bytes are acknowledged as a
duplicate, other bytes are refused as a replay with an altered payload and change nothing.
``packet_stored`` is sent once for the newly stored packets of a batch after the commit; the
HTTP answer (the node's acknowledgement) is only written after that commit too.

Which stations may a node push for? Its own, and the recording stations registered to the same
office: a node forwards what the stations in its office sealed. A packet signed by a station of
another office is refused ("foreign_station"). A revoked station's packets are refused whatever
their device time says, because device time cannot be trusted after a key is compromised.
"""

import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from adminduk.accounts.models import Station
from adminduk.accounts.stations import decode_public_key, refusal_for
from adminduk.enrollment.packets import PacketError, parse_packet

from .models import InboxPacket, NodeHeartbeat, RejectedDelivery
from .signals import packet_stored

STORED, DUPLICATE, REJECTED = "stored", "duplicate", "rejected"
INSERT_CHUNK = 200


@dataclass(frozen=True)
class PacketResult:
    packet_id: str  # "" when the bytes were too broken to name a packet
    status: str
    code: str = ""
    reason: str = ""

    def as_dict(self) -> dict:
        data = {"id": self.packet_id, "status": self.status}
        if self.status == REJECTED:
            data |= {"code": self.code, "reason": self.reason}
        return data


@dataclass
class IngestReport:
    results: list[PacketResult] = field(default_factory=list)
    bytes: int = 0

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def ingest_batch(node: Station, bodies: list[bytes], *, remote_address: str | None = None) -> IngestReport:
    """Check and store `bodies` pushed by `node`; one result per body, in order."""
    report = IngestReport(bytes=sum(len(b) for b in bodies))
    results: list[PacketResult | None] = [None] * len(bodies)
    parsed = {}
    for index, body in enumerate(bodies):
        try:
            parsed[index] = parse_packet(body)
        except PacketError as exc:
            results[index] = PacketResult(_packet_id_hint(body), REJECTED, exc.code, exc.reason)

    stations = {s.pk: s for s in Station.objects.filter(pk__in={p.station_id for p in parsed.values()})}
    keys = {}
    candidates: dict[uuid.UUID, tuple[int, object]] = {}
    repeats: list[int] = []  # the same bytes twice in one batch: answered like the first copy
    for index, packet in parsed.items():
        station = stations.get(packet.station_id)
        problem = _station_problem(node, station, packet.station_id)
        if problem is None:
            key = keys.get(station.pk) or keys.setdefault(station.pk, decode_public_key(station.public_key))
            try:
                packet.verify(key)
            except PacketError as exc:
                problem = (exc.code, exc.reason)
        if problem is None and not (0 < len(packet.kind) <= 20):
            problem = ("malformed", "the packet kind is empty or longer than 20 characters")
        if problem is None and packet.packet_id in candidates:
            first_index, first = candidates[packet.packet_id]
            if first.sha256 == packet.sha256:
                repeats.append(index)
            else:
                problem = ("replayed_altered", "the same packet UUID appears twice in this batch with different content")
            if problem is None:
                continue
        if problem is not None:
            results[index] = PacketResult(str(packet.packet_id), REJECTED, *problem)
            continue
        candidates[packet.packet_id] = (index, packet)

    with transaction.atomic():
        inserted = _insert_new(sorted(candidates.values(), key=lambda item: item[1].packet_id.hex))
        leftovers = [pid for pid in candidates if pid not in inserted]
        stored_hashes = dict(InboxPacket.objects.filter(pk__in=leftovers).values_list("pk", "sha256")) if leftovers else {}
        for packet_id, (index, packet) in candidates.items():
            if packet_id in inserted:
                results[index] = PacketResult(str(packet_id), STORED)
            elif stored_hashes.get(packet_id) == packet.sha256:
                results[index] = PacketResult(str(packet_id), DUPLICATE)
            else:
                results[index] = PacketResult(
                    str(packet_id), REJECTED, "replayed_altered", "a packet with this UUID is already stored with different content"
                )
        for index in repeats:
            first = results[candidates[parsed[index].packet_id][0]]
            results[index] = first if first.status == REJECTED else PacketResult(first.packet_id, DUPLICATE)
        rejected = [(i, r) for i, r in enumerate(results) if r.status == REJECTED]
        if rejected:
            RejectedDelivery.objects.bulk_create(
                [
                    RejectedDelivery(
                        packet_id=_uuid_or_none(r.packet_id),
                        # Booked on the authenticated node that delivered it: the station a
                        # packet names is only a claim until its signature has verified.
                        station_id=node.pk,
                        code=r.code[:40],
                        reason=r.reason[:300],
                        size=len(bodies[i]),
                        remote_address=remote_address,
                    )
                    for i, r in rejected
                ]
            )
        if inserted:
            stored = sorted(inserted, key=lambda u: u.hex)
            transaction.on_commit(lambda: packet_stored.send(sender=InboxPacket, packet_ids=stored))
    report.results = results
    return report


def _station_problem(node: Station, station: Station | None, station_id) -> tuple[str, str] | None:
    # The stations of a batch are fetched in one query, so the rule is shared, not the lookup.
    refusal = refusal_for(station, station_id)
    if refusal is not None:
        return (refusal.code, refusal.reason)
    if station.office_id != node.office_id:
        return ("foreign_station", f"station {station.name} belongs to another office than node {node.name}")
    return None


def _insert_new(items: list[tuple[int, object]]) -> set[uuid.UUID]:
    """Insert the packets; the set of UUIDs this transaction stored (not those already there)."""
    if not items:
        return set()
    now = timezone.now()
    meta = InboxPacket._meta
    fields = [f for f in meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(meta.db_table)
    pk_column = connection.ops.quote_name(meta.pk.column)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    inserted: set[uuid.UUID] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(items), INSERT_CHUNK):
            chunk = items[start : start + INSERT_CHUNK]
            params = []
            for _index, packet in chunk:
                values = {
                    "id": packet.packet_id,
                    "station": packet.station_id,
                    "kind": packet.kind,
                    "body": packet.body,
                    "size": len(packet.body),
                    "sha256": packet.sha256,
                    "device_time": packet.created_at,
                    "received_at": now,
                    "state": InboxPacket.State.RECEIVED,
                    "state_detail": "",
                    "updated_at": now,
                }
                params += [f.get_db_prep_save(values[f.name], connection) for f in fields]
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(chunk))} "
                f"ON CONFLICT ({pk_column}) DO NOTHING RETURNING {pk_column}"
            )
            cursor.execute(sql, params)
            inserted.update(_as_uuid(row[0]) for row in cursor.fetchall())
    return inserted


def _as_uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _uuid_or_none(value: str):
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        return None


def _packet_id_hint(body: bytes) -> str:
    """The UUID a broken packet claims, so the node can tell which packet was refused. Only the
    header is read; nothing in it is trusted beyond naming the packet in the answer."""
    import json
    import struct

    try:
        (length,) = struct.unpack(">I", body[5:9])
        return str(uuid.UUID(json.loads(body[9 : 9 + min(length, 4096)])["packet_id"]))
    except Exception:  # noqa: BLE001 - any failure simply means "cannot name it"
        return ""


def touch_heartbeat(station: Station, *, backlog: int | None, offset: float | None, push: IngestReport | None = None, pull: bool = False):
    """Record that `station` was heard from; counts add up across pushes."""
    now = timezone.now()
    changes = {"last_seen": now}
    if backlog is not None:
        # The node counted its backlog before this push; what it has left is what was not answered.
        answered = len(push.results) if push is not None else 0
        changes["backlog"] = max(0, backlog - answered)
    if offset is not None:
        changes["node_time_offset"] = offset
    if pull:
        changes["last_pull_at"] = now
    if push is not None:
        changes |= {
            "last_push_at": now,
            "packets_stored": F("packets_stored") + push.count(STORED),
            "packets_duplicate": F("packets_duplicate") + push.count(DUPLICATE),
            "packets_rejected": F("packets_rejected") + push.count(REJECTED),
            "bytes_received": F("bytes_received") + push.bytes,
        }
    with transaction.atomic():
        if NodeHeartbeat.objects.filter(pk=station.pk).update(**changes):
            return
        try:
            with transaction.atomic():
                NodeHeartbeat.objects.create(station=station, last_seen=now)
        except IntegrityError:
            pass  # created by a concurrent request of the same node
        NodeHeartbeat.objects.filter(pk=station.pk).update(**changes)
