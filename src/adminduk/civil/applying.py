"""The central side of civil event packets (civil.events): each stored packet applied once, in
the node's order (the mechanism is sync.events); a refused event fails its packet with the reason."""

import base64
import datetime as dt
import uuid

from adminduk.sync import events as node_events
from adminduk.sync.events import EventRefused

from .errors import CivilError
from .events import KIND_CIVIL_EVENT
from .uploads import UploadRefused


def apply_pending(limit: int = 1000) -> int:
    return node_events.apply_pending(HANDLER, limit)


def apply_packet(packet_id) -> str:
    """Apply one stored civil event packet exactly once; returns its final inbox state."""
    return node_events.apply_packet(HANDLER, packet_id)


def _apply(event: dict, office, packet_id=None) -> None:
    """`office` is the signing station's office: a node submits only for its own office."""
    from . import actions
    from .choices import Action
    from .models import Application, ApplicationDocument

    kind, actor = event["type"], node_events.actor(event)
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


HANDLER = node_events.EventKind(KIND_CIVIL_EVENT, "civil event", _apply, (CivilError, UploadRefused))
