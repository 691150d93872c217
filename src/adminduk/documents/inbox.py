"""The central's side of the documents' event packets (see events.py): applied once per
packet UUID; a node acts only for its own station's office."""

import datetime as dt
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import issuing, keys
from .events import KIND_DOCUMENT_EVENT
from .models import IssuedDocument, NumberBlock, SigningKey


class EventRefused(Exception):
    pass


def on_packet_stored(sender=None, packet_ids=(), **kwargs) -> None:
    from adminduk.sync.models import InboxPacket

    ids = InboxPacket.objects.filter(pk__in=list(packet_ids), kind=KIND_DOCUMENT_EVENT).order_by("device_time", "received_at", "id").values_list("id", flat=True)
    for packet_id in list(ids):
        apply_packet(packet_id)


def apply_packet(packet_id) -> str:
    """Apply one stored document event exactly once; returns its final inbox state."""
    from adminduk.enrollment import packets, sealing
    from adminduk.sync.models import InboxPacket

    with transaction.atomic():
        inbox = InboxPacket.objects.select_for_update(of=("self",)).select_related("station__office").get(pk=packet_id)
        if inbox.kind != KIND_DOCUMENT_EVENT or inbox.state in (InboxPacket.State.PROCESSED, InboxPacket.State.FAILED):
            return inbox.state
        try:
            packet = packets.parse_packet(bytes(inbox.body))
            event = json.loads(packet.open_part("event", sealing.central_private_key()))
            with transaction.atomic():
                _apply(event, inbox.station.office)
            inbox.state, inbox.state_detail = InboxPacket.State.PROCESSED, str(event.get("type", ""))[:300]
        except (IntegrityError, issuing.DocumentError, keys.KeyError_, EventRefused, packets.PacketError, ValueError, KeyError, TypeError) as exc:
            inbox.state, inbox.state_detail = InboxPacket.State.FAILED, f"document event refused: {exc}"[:300]
        inbox.save(update_fields=["state", "state_detail", "updated_at"])
        return inbox.state


def _apply(event: dict, office) -> None:
    from adminduk.accounts.models import User

    kind = event["type"]
    actor = User.objects.filter(username=event.get("actor") or "").first() if event.get("actor") else None
    if kind == "key":
        keys.register_key(event["public_key"], role=NumberBlock.Holder.NODE, office=office)
    elif kind == "issued":
        doc = event["document"]
        key = SigningKey.objects.filter(key_id=doc["key_id"], office=office).first()
        if key is None:
            raise EventRefused(f"document {doc['number']} names key {doc['key_id']}, not one of {office.code}")
        if doc["office"] != office.code:
            raise EventRefused(f"document {doc['number']} was not issued by {office.code}")
        if IssuedDocument.objects.filter(pk=doc["id"]).exists():
            return
        supersedes = IssuedDocument.objects.filter(pk=doc["supersedes"]).first() if doc.get("supersedes") else None
        document = IssuedDocument.objects.create(
            id=doc["id"], kind=doc["kind"], number=doc["number"], version=doc["version"], nik=doc["nik"], full_name=doc["full_name"],
            office=office, issued_by=actor, valid_until=dt.date.fromisoformat(doc["valid_until"]) if doc.get("valid_until") else None,
            payload=doc["payload"], content_hash=doc["content_hash"], key_id=doc["key_id"],
        )
        IssuedDocument.objects.filter(pk=document.pk).update(issued_at=dt.datetime.fromisoformat(doc["issued_at"]))
        if supersedes is not None and supersedes.superseded_at is None:
            IssuedDocument.objects.filter(pk=supersedes.pk).update(superseded_by=document, superseded_at=timezone.now())
    elif kind == "revoked":
        document = IssuedDocument.objects.filter(number=event["number"], version=event["version"], office=office).first()
        if document is None:
            raise EventRefused(f"no document {event['number']} v{event['version']} of {office.code}")
        if document.revoked_at is None:
            issuing.revoke_document(document, reason=event["reason"], actor=actor)
    else:
        raise EventRefused(f"unknown document event {kind!r}")
