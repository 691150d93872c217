"""Family cards (KK) and their members in the pull, so the node knows its residents' KK.

What travels: every KK with at least one member among the residents the node receives (the
office's area, and those who moved out of it), active or superseded. Its member list names
only those residents: a KK whose members live in several kecamatan reaches each office with
its own residents on it, and never discloses the others.

Two ways a KK reaches the node, so that every change arrives:

* Its own stream, paged by the keyset (updated_at, id) like the residents: a new KK, and an old
  one marked superseded (the central's way of ending a membership: a member who leaves gets a
  new KK, the family too), travel when they change.
* With the residents: each page of residents carries every KK those residents are on. A
  resident who moves into the area, or arrives on the node after their KK did, brings it along
  with the current member list; no KK row changed for that.

A fresh node (empty cursor) starts the KK stream at the first page's horizon: every older KK
reaches it with its residents, so the initial sync sends each KK about once. A cursor from
before KK travelled has no KK position and starts the stream at the beginning.

On the node a KK is upserted by KK number and its member list replaced by the one sent (members
whose resident has not reached the node yet are left out; their own page brings the KK again).
Unchanged rows are not rewritten. Applying is idempotent and happens in the page's transaction.
"""

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from adminduk.population.models import Family, FamilyMember, Resident

from . import keyset

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ZERO_ID = uuid.UUID(int=0)
SCOPE_CHUNK = 10_000
HEADER_FIELDS = ("kk_number", "kelurahan_id", "rw", "rt", "address", "postal_code", "issued_on", "status")


class FamilyPageError(ValueError):
    """KK rows the node cannot apply (e.g. a kelurahan it does not have)."""


# --- Central side ------------------------------------------------------------------------------


@dataclass
class FamilyPage:
    rows: list[dict]
    position: tuple[str, str]  # (updated_at, id) of the last KK of the stream sent so far
    more: bool


def position_from(token: str, *, fresh_start: dt.datetime) -> tuple[dt.datetime, uuid.UUID]:
    """The KK stream's position inside a sync cursor that `changes.decode_cursor` accepted."""
    if not token:
        return fresh_start, ZERO_ID
    data = json.loads(base64.urlsafe_b64decode(token.encode()))
    if "f" not in data:
        return EPOCH, ZERO_ID
    stamp, last_id = data["f"]
    moment = dt.datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        raise ValueError("unsupported cursor")
    return moment, uuid.UUID(str(last_id))


def _in_scope(residents: QuerySet, candidates: set) -> set:
    """Which of the resident ids `candidates` are among `residents`, by primary key lookups."""
    if not candidates:
        return set()
    ordered, found = sorted(candidates, key=str), set()
    for start in range(0, len(ordered), SCOPE_CHUNK):
        found |= set(residents.filter(pk__in=ordered[start : start + SCOPE_CHUNK]).values_list("pk", flat=True))
    return found


def build_page(residents: QuerySet, *, after: tuple[dt.datetime, uuid.UUID], horizon: dt.datetime, resident_ids: list, limit: int) -> FamilyPage:
    """The KK stream's next `limit` changes after `after`, and every KK of the residents in
    this page of residents (`resident_ids`); each KK sent with its members among `residents`,
    and only if it has any.

    The stream walks every KK by (updated_at, id) and keeps those of the node's residents
    afterwards, by primary-key lookups: a caught-up poll is one range scan over recent
    changes. (Scoping in SQL first, KK IN (members IN (residents ...)), materialises every
    resident of the area on each poll: its cost grows with the kota.)"""
    after_time, after_id = after
    stream = keyset.page_after(Family.objects.filter(updated_at__lt=horizon).values_list("id", "updated_at"), after_time, after_id, limit)
    position = (stream[-1][1], stream[-1][0]) if stream else (after_time, after_id)
    ids = {pk for pk, _ in stream}
    if resident_ids:
        ids |= set(FamilyMember.objects.filter(resident_id__in=resident_ids).values_list("family_id", flat=True))
    return FamilyPage(rows=family_rows(ids, residents, known=set(resident_ids)), position=(position[0].isoformat(), str(position[1])), more=len(stream) == limit)


def family_rows(family_ids, residents: QuerySet, *, known: set = frozenset()) -> list[dict]:
    """The KK `family_ids` with their members among `residents` (`known`: resident ids already
    known to be among them), leaving out KK that have none."""
    if not family_ids:
        return []
    rows = list(
        FamilyMember.objects.filter(family_id__in=family_ids)
        .order_by("family_id", "relationship", "resident__nik")
        .values_list("family_id", "resident_id", "resident__nik", "relationship")
    )
    scope = set(known) | _in_scope(residents, {resident_id for _, resident_id, _, _ in rows} - set(known))
    members: dict[uuid.UUID, list[dict]] = {}
    for family_id, resident_id, nik, relationship in rows:
        if resident_id in scope:
            members.setdefault(family_id, []).append({"nik": nik, "relationship": relationship})
    rows = []
    for family in Family.objects.filter(pk__in=list(members)).select_related("superseded_by").order_by("updated_at", "id"):
        row = {"id": str(family.pk), **{name: getattr(family, name) for name in HEADER_FIELDS}}
        row["issued_on"] = family.issued_on.isoformat()
        row["superseded_by"] = family.superseded_by.kk_number if family.superseded_by_id else None
        row["members"] = members[family.pk]
        rows.append(row)
    return rows


# --- Node side ---------------------------------------------------------------------------------


def apply_rows(rows: list[dict]) -> int:
    """Upsert KK rows by number and replace their member lists. Call inside the page's
    transaction. Returns the number of KK rows applied."""
    if not rows:
        return 0
    from adminduk.regions.models import Kelurahan

    wanted = {r["kelurahan_id"] for r in rows}
    missing = wanted - set(Kelurahan.objects.filter(code__in=wanted).values_list("code", flat=True))
    if missing:
        raise FamilyPageError(f"kelurahan {', '.join(sorted(missing))} of a KK unknown on this node: load the regions (adminduk node init)")
    numbers = {r["kk_number"] for r in rows} | {r["superseded_by"] for r in rows if r.get("superseded_by")}
    existing = {f.kk_number: f for f in Family.objects.filter(kk_number__in=numbers)}
    pk_of = {number: family.pk for number, family in existing.items()}
    for row in rows:
        pk_of.setdefault(row["kk_number"], uuid.UUID(row["id"]))
    new, changed = [], []
    for row in rows:
        family = _family_from(row, pk_of)
        current = existing.get(row["kk_number"])
        if current is None:
            new.append(family)
            existing[row["kk_number"]] = family
        elif any(getattr(current, name) != getattr(family, name) for name in (*HEADER_FIELDS, "superseded_by_id")):
            changed.append(family)
    if new:
        Family.objects.bulk_create(new, batch_size=500)
    if changed:
        Family.objects.bulk_update(changed, [*HEADER_FIELDS, "superseded_by_id"], batch_size=500)
    _replace_members(rows, pk_of)
    return len(rows)


def _family_from(row: dict, pk_of: dict) -> Family:
    family = Family(pk=pk_of[row["kk_number"]])
    for name in HEADER_FIELDS:
        setattr(family, name, Family._meta.get_field(name.removesuffix("_id")).to_python(row[name]))
    family.superseded_by_id = pk_of.get(row.get("superseded_by")) if row.get("superseded_by") else None
    return family


def _replace_members(rows: list[dict], pk_of: dict) -> None:
    niks = {m["nik"] for row in rows for m in row["members"]}
    resident_pk = dict(Resident.objects.filter(nik__in=niks).values_list("nik", "pk"))
    wanted = {
        (pk_of[row["kk_number"]], resident_pk[m["nik"]], int(m["relationship"]))
        for row in rows
        for m in row["members"]
        if m["nik"] in resident_pk
    }
    family_ids = {pk_of[row["kk_number"]] for row in rows}
    current = {
        (family_id, resident_id, relationship): pk
        for pk, family_id, resident_id, relationship in FamilyMember.objects.filter(family_id__in=family_ids).values_list(
            "pk", "family_id", "resident_id", "relationship"
        )
    }
    gone = [pk for key, pk in current.items() if key not in wanted]
    if gone:
        FamilyMember.objects.filter(pk__in=gone).delete()
    FamilyMember.objects.bulk_create(
        [FamilyMember(family_id=f, resident_id=r, relationship=rel) for f, r, rel in sorted(wanted - current.keys(), key=str)], batch_size=500
    )
