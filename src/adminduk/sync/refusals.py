"""Refused node events travel back to the node that sent them, in the pull (central → node).

The central keeps each refusal by the event's UUID (sync.models.EventRefusal, written by
sync.events when the event is refused). The pull sends the office's refusals after a keyset
(updated_at, id) kept in the one opaque cursor, each with the central's current copy of the
rows the event was about (the kind's central_rows). The node keeps the refusal to show its
operators (sync page, queue page), stops waiting for the event (event_pending is cleared on the
rows whose last event it was) and takes the central's copy of those rows, as the pull would have
given it had the node never sent the event. An accepted event changes nothing here."""

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction

from . import events, keyset
from .models import EventRefusal

logger = logging.getLogger("adminduk.sync")

EPOCH = "1970-01-01T00:00:00+00:00"
CURSOR_KEY = "x"
RECENT_DAYS = 14  # how long the node's pages show a refusal


def _position(token: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        stamp, last = keyset.cursor_part(token, CURSOR_KEY) or [EPOCH, str(uuid.UUID(int=0))]
        return dt.datetime.fromisoformat(stamp), uuid.UUID(str(last))
    except (ValueError, TypeError, AttributeError):
        return dt.datetime.fromisoformat(EPOCH), uuid.UUID(int=0)


def _row(refusal: EventRefusal) -> dict:
    handler = events.KINDS.get(refusal.kind)
    rows = handler.central_rows(refusal.office, refusal.subjects or {}) if handler and handler.central_rows and refusal.subjects else {}
    return {"id": str(refusal.pk), "kind": refusal.kind, "office": refusal.office.code, "event_type": refusal.event_type, "reason": refusal.reason,
            "refused_at": refusal.refused_at.isoformat(), "subjects": refusal.subjects or {}, "rows": rows}


def add_stream(data: dict, office, *, since: str, limit: int, horizon: dt.datetime) -> None:
    """Add one page of the office's refusals after `since` to the pull answer `data` and fold
    its position into the cursor."""
    after_time, after_id = _position(since)
    queryset = EventRefusal.objects.filter(office=office, updated_at__lt=horizon).select_related("office")
    page = keyset.page_after(queryset, after_time, after_id, limit)
    data["refusals"] = [_row(refusal) for refusal in page]
    data["more"] = data["more"] or len(page) == limit
    if page:
        keyset.fold_into_cursor(data, CURSOR_KEY, [page[-1].updated_at.isoformat(), str(page[-1].pk)])
    elif since:
        keyset.fold_into_cursor(data, CURSOR_KEY, [after_time.isoformat(), str(after_id)])


# --- Node side ---------------------------------------------------------------------------------


def apply(rows: list[dict]) -> dict:
    """Apply the refusals of a page on the node (inside sync.changes.apply_page's transaction,
    after the other streams: the central's copy it carries is the newest)."""
    from adminduk.offices.models import Office

    offices: dict = {}
    released = 0
    for row in rows:
        event_id = uuid.UUID(row["id"])
        handler = events.KINDS.get(row["kind"])
        if row["office"] not in offices:
            offices[row["office"]] = Office.objects.get(code=row["office"])
        EventRefusal.objects.update_or_create(
            pk=event_id,
            defaults={"kind": row["kind"], "office": offices[row["office"]], "event_type": row.get("event_type", ""),
                      "reason": row["reason"], "subjects": row.get("subjects") or {}, "refused_at": dt.datetime.fromisoformat(row["refused_at"])},
        )
        if handler is None:
            continue
        for model in handler.node_models() if handler.node_models else ():
            released += model.objects.filter(last_event=event_id, event_pending=True).update(event_pending=False)
        if handler.take_rows and row.get("rows"):
            try:
                with transaction.atomic():
                    handler.take_rows(row["rows"])
            except (ObjectDoesNotExist, IntegrityError, KeyError, ValueError) as exc:
                # The refusal stays shown and the rows no longer wait; the central's copy comes
                # with its next change.
                logger.warning("refused event %s: the central's copy of its rows was not applied: %s", event_id, exc)
    return {"refusals": len(rows), "released": released} if rows else {}


def recent(office=None, *, kinds=None, days: int = RECENT_DAYS):
    """The refusals the node's operators see: the last `days` days', newest first."""
    from django.utils import timezone

    found = EventRefusal.objects.filter(refused_at__gte=timezone.now() - dt.timedelta(days=days))
    if office is not None:
        found = found.filter(office=office)
    if kinds:
        found = found.filter(kind__in=list(kinds))
    return found.order_by("-refused_at", "id")


@dataclass(frozen=True)
class Shown:
    refused_at: dt.datetime
    title: str
    event_type: str
    concerns: str
    reason: str


def for_operators(found, limit: int = 50, *, concerns: bool = True) -> list[Shown]:
    """The refusals as the node's pages show them: what kind of action, what it was about (in
    the kind's words, e.g. the resident and the booking's state now; left out with
    `concerns=False` on pages without personal data) and the central's reason."""
    shown = []
    for refusal in found[:limit]:
        handler = events.KINDS.get(refusal.kind)
        title = str(handler.title) if handler and handler.title else refusal.kind
        about = handler.describe(refusal.subjects or {}) if concerns and handler and handler.describe else ""
        shown.append(Shown(refusal.refused_at, title, refusal.event_type, about, refusal.reason))
    return shown
