"""The central side of civil event packets (civil.events): each stored packet applied once, in
the node's order; a refused event fails its packet with the reason."""

import base64
import datetime as dt
import json
import uuid

from django.db import transaction

from .events import KIND_CIVIL_EVENT


class EventRefused(Exception):
    pass


def apply_pending(limit: int = 1000) -> int:
    from adminduk.sync.models import InboxPacket

    ids = list(InboxPacket.objects.filter(kind=KIND_CIVIL_EVENT, state=InboxPacket.State.RECEIVED).order_by("device_time", "received_at", "id").values_list("id", flat=True)[:limit])
    for packet_id in ids:
        apply_packet(packet_id)
    return len(ids)


def apply_packet(packet_id) -> str:
    """Apply one stored civil event packet exactly once; returns its final inbox state."""
    from adminduk.enrollment import packets, sealing
    from adminduk.sync.models import InboxPacket

    from .errors import CivilError
    from .uploads import UploadRefused

    with transaction.atomic():
        inbox = InboxPacket.objects.select_for_update(of=("self",)).select_related("station__office").get(pk=packet_id)
        if inbox.kind != KIND_CIVIL_EVENT or inbox.state in (InboxPacket.State.PROCESSED, InboxPacket.State.FAILED):
            return inbox.state
        try:
            packet = packets.parse_packet(bytes(inbox.body))
            event = json.loads(packet.open_part("event", sealing.central_private_key()))
            with transaction.atomic():
                _apply(event, inbox.station.office)
            inbox.state, inbox.state_detail = InboxPacket.State.PROCESSED, str(event.get("type", ""))[:300]
        except (CivilError, UploadRefused, EventRefused, packets.PacketError, ValueError, KeyError, TypeError) as exc:
            reason = exc.messages[0] if isinstance(exc, CivilError) else getattr(exc, "message", None) or str(exc)
            inbox.state, inbox.state_detail = InboxPacket.State.FAILED, f"civil event refused: {reason}"[:300]
        inbox.save(update_fields=["state", "state_detail", "updated_at"])
        return inbox.state


def _actor(username: str):
    from adminduk.accounts.models import User

    return User.objects.filter(username=username).first() if username else None


def _apply(event: dict, office) -> None:
    """`office` is the signing station's office: a node submits only for its own office."""
    from . import actions
    from .choices import Action
    from .models import Application, ApplicationDocument

    kind, actor = event["type"], _actor(event.get("actor", ""))
    application_id = uuid.UUID(event["application"])
    if kind == "submitted":
        if Application.objects.filter(pk=application_id).exists():
            return
        fields = event["application_fields"]
        application = actions.submit(fields["kind"], fields["data"], office=office, channel=fields["channel"], actor=actor,
                                     application_id=application_id, submitted_at=dt.datetime.fromisoformat(fields["submitted_at"]), from_node=True)
        actions._journal(application, Action.RECEIVED, actor=None, details={"office": office.code})
    elif kind == "document_added":
        application = Application.objects.filter(pk=application_id, office=office).first()
        if application is None:
            raise EventRefused(f"application {application_id} was not submitted at {office.code}")
        if ApplicationDocument.objects.filter(pk=event["document"]).exists():
            return
        actions.add_document(application, event["requirement"], base64.b64decode(event["content"]), event.get("name", ""), actor=actor,
                             document_id=uuid.UUID(event["document"]))
    else:
        raise EventRefused(f"unknown civil event {kind!r}")
