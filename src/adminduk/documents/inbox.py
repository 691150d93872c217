"""The central's side of the documents' event packets (see events.py): applied once per
packet UUID; a node acts only for its own station's office."""

import datetime as dt

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adminduk.sync import events as node_events
from adminduk.sync.events import EventRefused

from . import issuing, keys
from .events import KIND_DOCUMENT_EVENT
from .models import IssuedDocument, NumberBlock, SigningKey


def apply_packet(packet_id) -> str:
    """Apply one stored document event exactly once; returns its final inbox state."""
    return node_events.apply_packet(HANDLER, packet_id)


def _apply(event: dict, office, packet_id=None) -> None:
    kind, actor = event["type"], node_events.actor(event)
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


HANDLER = node_events.register(node_events.EventKind(
    KIND_DOCUMENT_EVENT, "document event", _apply, (IntegrityError, issuing.DocumentError, keys.KeyError_), title=_("issued document"),
    inline=True,  # applied in the receiver itself, without a task, as document events always were
))
