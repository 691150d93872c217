"""The decisions on counter applications travel back to the node that took them, in the pull
(central → node) beside the residents of sync.changes: status, the documents still missing
with the note to the applicant, the reason, and what was issued. Paged by its own keyset
(updated_at, id) inside the one opaque cursor.

Only applications the node took itself are updated there (the node holds their data); the
central never sends an application's data or uploads to a node. The node's own change, an
event not yet at the central (event_pending), is kept until the central's copy shows it
received (a decision, or a document the node added counted as no longer missing)."""

import datetime as dt

from django.db.models import Q

from adminduk.sync import keyset

from .choices import Channel
from .models import Application

EPOCH = "1970-01-01T00:00:00+00:00"
CURSOR_KEY = "c"
FIELDS = ("status", "missing", "note_to_applicant", "due_at", "waiting_since", "decided_at", "decision_reason", "result")


def _iso(value):
    return value.isoformat() if value else None


def row_of(application: Application) -> dict:
    return {
        "id": str(application.pk), "status": application.status, "missing": application.missing,
        "note_to_applicant": application.note_to_applicant, "due_at": _iso(application.due_at),
        "waiting_since": _iso(application.waiting_since), "decided_at": _iso(application.decided_at),
        "decision_reason": application.decision_reason, "result": application.result,
    }


def add_stream(data: dict, office, *, since: str, limit: int, horizon: dt.datetime) -> None:
    """Add one page of the office's counter applications after `since` to the pull answer
    `data`, and fold its position into the cursor (sync.changes has already checked it)."""
    previous = keyset.cursor_part(since, CURSOR_KEY)
    try:
        position = previous or [EPOCH, ""]
        after, last = dt.datetime.fromisoformat(position[0]), str(position[1])
    except (ValueError, TypeError, IndexError, AttributeError):
        after, last = dt.datetime.fromisoformat(EPOCH), ""
    condition = Q(updated_at__gt=after) | (Q(updated_at=after) & Q(id__gt=last)) if last else Q(updated_at__gt=after)
    page = list(
        Application.objects.filter(office=office, channel=Channel.COUNTER, updated_at__lt=horizon).filter(condition).order_by("updated_at", "id")[:limit]
    )
    data["civil"] = [row_of(application) for application in page]
    data["more"] = data["more"] or len(page) == limit
    if page:
        keyset.fold_into_cursor(data, CURSOR_KEY, [page[-1].updated_at.isoformat(), str(page[-1].pk)])
    elif previous is not None:
        keyset.fold_into_cursor(data, CURSOR_KEY, previous)


# --- Node side ---------------------------------------------------------------------------------


def _received(local: Application, row: dict) -> bool:
    """Whether the central's copy already shows what the node sent: a decision, or no document
    the node added still counted as missing."""
    if row["status"] != local.status and row["decided_at"]:
        return True
    added = set(local.documents.values_list("requirement", flat=True))
    return not (added & set(row["missing"] or []))


def apply(rows: list[dict]) -> dict:
    """Apply the stream on the node (inside sync.changes.apply_page's transaction)."""
    updated = 0
    for row in rows:
        local = Application.objects.filter(pk=row["id"]).first()
        if local is None:
            continue  # taken at another node or at the central: its data is not for this node
        if local.event_pending and not _received(local, row):
            continue  # the node's own change is still on its way
        values = {field: row[field] for field in FIELDS}
        for field in ("due_at", "waiting_since", "decided_at"):
            values[field] = dt.datetime.fromisoformat(values[field]) if values[field] else None
        values["due_at"] = values["due_at"] or local.due_at
        Application.objects.filter(pk=local.pk).update(event_pending=False, **values)
        updated += 1
    return {"civil_applications": updated} if updated else {}
