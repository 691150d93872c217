"""Paging by the keyset (updated_at, id), as the pull's streams do.

`updated_at > t OR (updated_at = t AND id > x)` in one query is no index range: the database
walks the (updated_at, id) index from the start of t (or sorts), and a bulk import gives a
million rows the same updated_at, so page n reads n pages. Asked as two ranges instead, each
is one seek into the (updated_at, id) index (population's resident_changed_idx and
family_changed_idx), whatever the page number.
"""

import datetime as dt
import uuid

from django.db.models import QuerySet


def page_after(rows: QuerySet, after_time: dt.datetime, after_id: uuid.UUID, limit: int) -> list:
    """The first `limit` of `rows` after (after_time, after_id) in (updated_at, id) order."""
    page = list(rows.filter(updated_at=after_time, id__gt=after_id).order_by("updated_at", "id")[:limit])
    if len(page) < limit:
        page += list(rows.filter(updated_at__gt=after_time).order_by("updated_at", "id")[: limit - len(page)])
    return page
