"""The central side of civil event packets (civil.events): each stored packet applied once, in
the node's order (the mechanism is sync.events); a refused event fails its packet with the reason."""

import base64
import datetime as dt
import uuid

from django.utils.translation import gettext_lazy as _

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


def _subjects(event: dict) -> dict:
    return {"applications": [str(uuid.UUID(str(event["application"])))]}


def _central_rows(office, subjects: dict) -> dict:
    """The central's copy of the refused event's application (none if it never arrived)."""
    from . import sync
    from .choices import Channel
    from .models import Application

    found = Application.objects.filter(pk__in=subjects.get("applications") or [], office=office, channel=Channel.COUNTER)
    return {"civil": [sync.row_of(application) for application in found]}


def _node_models() -> tuple:
    from .models import Application

    return (Application,)


def _take_rows(rows: dict) -> None:
    from . import sync

    sync.apply(rows.get("civil") or [])


def _describe(subjects: dict) -> str:
    """On the node: which application (kind and NIK) and its state now."""
    from .models import Application

    found = Application.objects.filter(pk__in=subjects.get("applications") or [])
    return "; ".join(_("%(application)s, now %(status)s") % {"application": a, "status": a.get_status_display()} for a in found)


HANDLER = node_events.register(node_events.EventKind(
    KIND_CIVIL_EVENT, "civil event", _apply, (CivilError, UploadRefused), title=_("counter application"),
    subjects=_subjects, central_rows=_central_rows, node_models=_node_models, take_rows=_take_rows, describe=_describe,
))
