"""Paging by the keyset (updated_at, id), as the pull's streams do.

`updated_at > t OR (updated_at = t AND id > x)` in one query is no index range: the database
walks the (updated_at, id) index from the start of t (or sorts), and a bulk import gives a
million rows the same updated_at, so page n reads n pages. Asked as two ranges instead, each
is one seek into the (updated_at, id) index (population's resident_changed_idx and
family_changed_idx), whatever the page number.

Every stream's position rides in the pull's one opaque cursor, each under its own key:
`cursor_part` reads one, `fold_into_cursor` writes one into a pull answer, and `check_parts`
(called by sync.changes.decode_cursor) refuses a cursor whose parts are not positions the
central could have handed out, so a forged or damaged one is a 400, never a 500.
"""

import base64
import datetime as dt
import json
import uuid

from django.db.models import QuerySet


def page_after(rows: QuerySet, after_time: dt.datetime, after_id: uuid.UUID, limit: int) -> list:
    """The first `limit` of `rows` after (after_time, after_id) in (updated_at, id) order."""
    page = list(rows.filter(updated_at=after_time, id__gt=after_id).order_by("updated_at", "id")[:limit])
    if len(page) < limit:
        page += list(rows.filter(updated_at__gt=after_time).order_by("updated_at", "id")[: limit - len(page)])
    return page


# The streams' parts: a dict of positions per stream (printing.sync "p", appointments.sync "a")
# or one position (civil.sync "c", sync.refusals "x").
STREAM_PARTS = {"p": "streams", "a": "streams", "c": "one", "x": "one"}


def _check_position(position) -> None:
    if not (isinstance(position, list) and len(position) == 2 and all(isinstance(value, str) for value in position)):
        raise ValueError("a position is [time, id]")
    if dt.datetime.fromisoformat(position[0]).tzinfo is None:
        raise ValueError("a position's time has its offset")
    uuid.UUID(position[1])


def check_parts(data: dict) -> None:
    """Raise ValueError unless every stream part of the decoded cursor `data` holds positions
    [an ISO time with its offset, a UUID], as the central hands them out."""
    for key, shape in STREAM_PARTS.items():
        if key not in data:
            continue
        value = data[key]
        if shape == "streams":
            if not isinstance(value, dict):
                raise ValueError(f"cursor part {key} is not a set of positions")
            for position in value.values():
                _check_position(position)
        else:
            _check_position(value)


FRESH_CURSOR = {"v": 1, "r": ["1970-01-01T00:00:00+00:00", str(uuid.UUID(int=0))]}


def cursor_part(token: str, key: str):
    """The part `key` of the pull cursor `token`; None when the token is empty, unreadable or
    has no such part (the stream starts from the beginning)."""
    if not token:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
    except ValueError:  # not base64, not UTF-8 or not JSON
        return None
    return data.get(key) if isinstance(data, dict) else None


def fold_into_cursor(data: dict, key: str, value) -> None:
    """Put `value` under `key` in the cursor of the pull answer `data`."""
    cursor = json.loads(base64.urlsafe_b64decode(data["cursor"].encode())) if data.get("cursor") else dict(FRESH_CURSOR)
    cursor[key] = value
    data["cursor"] = base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode()
