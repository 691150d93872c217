"""Master data a node pulls from the central, and how the node applies it.

Two kinds of change travel:

* Residents of the node's area (its kecamatan; a Dinas node: its kab/kota), paged by the keyset
  (updated_at, id). The cursor is opaque to the node. Clock assumption: `updated_at` is set by
  the central's own clock when the row is written, so it is only trusted among the central's
  processes (one clock source, NTP-disciplined). A write that commits later than another but
  carries an earlier `updated_at` could slip behind a cursor, so the central only hands out
  rows older than a short horizon (ADMINDUK_SYNC_CHANGE_LAG_SECONDS, default 30 s): a
  transaction longer than that is the assumption's limit. Node clocks are never consulted.
* Family cards (KK) of those residents, with their members among them: see sync/families.py.
* The office's master snapshot: offices of the kab/kota (with their booking settings), the stations of the node's office
  (with revocations), and the staff assigned to the office with their role, certifications,
  password hash and TOTP devices. Operators must log in on the node while it is offline, so
  the node needs the (Argon2) hash and the TOTP key; they travel only inside this signed
  station channel, which is HTTPS in production, and never appear in any page. The snapshot is
  small, so it is sent whole whenever its digest differs from the node's; accounts that drop
  out of it are deactivated on the node.

Applying a page is idempotent (upserts keyed by NIK, username, certification id, office code,
station id), and the cursor is stored in the same transaction as the rows it covers.
The office's request statuses, print jobs, cards, shipments and blangko stock are further
streams (printing/sync.py), and so are its slots, bookings and RT invitations
(appointments/sync.py), and so are the node's events the central refused (sync/refusals.py),
each with its own keyset inside the same cursor. A resident those rows
name who lives outside the office's area (booked here from another kecamatan) comes with them.
"""

import base64
import datetime as dt
import hashlib
import json
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from adminduk.accounts.models import Certification, OfficeAssignment, Station, User
from adminduk.accounts.permissions import STAFF_ROLES
from adminduk.appointments import sync as appointments_sync
from adminduk.audit.actions import record
from adminduk.civil import sync as civil_sync
from adminduk.documents import keys as document_keys
from adminduk.offices.models import Office
from adminduk.population.models import FormerArea, Resident
from adminduk.printing import sync as printing_sync

from . import families, keyset, refusals
from .models import NodeState

PAGE_LIMIT = 1000
MAX_PAGE_LIMIT = 5000
EPOCH = "1970-01-01T00:00:00+00:00"

RESIDENT_FIELDS = [f for f in Resident._meta.concrete_fields if f.name not in ("created_at", "updated_at")]


class CursorError(ValueError):
    pass


class PageError(ValueError):
    """A page the node cannot apply; nothing of it is kept and the cursor stays."""


# --- Central side ------------------------------------------------------------------------------


def encode_cursor(updated_at: str, last_id: str, family_position: tuple[str, str] | None = None) -> str:
    data = {"v": 1, "r": [updated_at, last_id]} | ({"f": list(family_position)} if family_position else {})
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


def decode_cursor(token: str) -> tuple[dt.datetime, uuid.UUID]:
    if not token:
        return dt.datetime.fromisoformat(EPOCH), uuid.UUID(int=0)
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        stamp, last_id = data["r"]
        moment = dt.datetime.fromisoformat(stamp)
        if data.get("v") != 1 or moment.tzinfo is None:
            raise ValueError("unsupported cursor")
        families.position_from(token, fresh_start=moment)  # the KK part is checked here too
        keyset.check_parts(data)  # and the other streams' parts
        # In UTC here, so a moment the database cannot hold (0001-01-01 at +14:00) is refused
        # now instead of failing in the query.
        return moment.astimezone(dt.UTC), uuid.UUID(str(last_id))
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError) as exc:
        raise CursorError("the sync cursor is not one this central handed out; start again from an empty cursor") from exc


def residents_of(office: Office):
    """Residents of the office's area, and those who ever left it: the node gets their new
    address, so its jurisdiction check stops showing them to the old office's operators. Any
    event that changed the kelurahan counts (a move, or an address corrected before moves were
    recorded as such), since the kelurahan is what decides who may see a resident."""
    if office.kind == Office.Kind.KECAMATAN:
        area = Q(kelurahan__code__startswith=office.kecamatan_id + ".")
        moved_out = FormerArea.objects.filter(kecamatan=office.kecamatan_id)
    else:
        area = Q(kelurahan__code__startswith=office.regency_id + ".")
        moved_out = FormerArea.objects.filter(regency=office.regency_id)
    # FormerArea (indexed, written with each move) instead of a scan of the history's JSON.
    return Resident.objects.filter(area | Q(pk__in=moved_out.values("resident_id")))


def _json_value(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def resident_row(resident: Resident) -> dict:
    return {f.attname: _json_value(getattr(resident, f.attname)) for f in RESIDENT_FIELDS}


ROW_COLUMNS = [f.attname for f in RESIDENT_FIELDS]


def _rows_of(values: list[dict]) -> list[dict]:
    """resident_row for rows read with .values(): a page of 1,000 without model instances."""
    return [{name: _json_value(row[name]) for name in ROW_COLUMNS} for row in values]


def master_snapshot(office: Office) -> dict:
    offices = Office.objects.filter(regency_id=office.regency_id).order_by("code")
    stations = Station.objects.filter(office=office).order_by("pk")
    users = (
        User.objects.filter(assignments__office=office, role__in=sorted(STAFF_ROLES))
        .prefetch_related("certifications")
        .order_by("username")
        .distinct()
    )
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices: dict[int, list] = {}
    for device in TOTPDevice.objects.filter(user__in=users).order_by("name", "pk"):
        devices.setdefault(device.user_id, []).append(
            # The secret itself (sealed at rest here); the node seals it under its own key on save.
            {"name": device.name, "key": device.bin_key.hex(), "step": device.step, "t0": device.t0, "digits": device.digits,
             "tolerance": device.tolerance, "confirmed": device.confirmed}
        )
    return {
        "offices": [
            {"id": str(o.pk), "code": o.code, "name": o.name, "kind": o.kind, "regency": o.regency_id, "kecamatan": o.kecamatan_id,
             "address": o.address, "phone": o.phone, "is_active": o.is_active}
            for o in offices
        ],
        "stations": [
            {"id": str(s.pk), "name": s.name, "kind": s.kind, "office": office.code, "public_key": s.public_key,
             "fingerprint": s.fingerprint, "revoked_at": _json_value(s.revoked_at), "revocation_reason": s.revocation_reason}
            for s in stations
        ],
        "users": [
            {
                "username": u.username, "first_name": u.first_name, "last_name": u.last_name, "email": u.email, "role": u.role,
                "is_active": u.is_active, "password": u.password, "offices": [office.code],
                "certifications": [
                    {"id": str(c.pk), "kind": c.kind, "certificate_number": c.certificate_number,
                     "trained_on": c.trained_on.isoformat(), "valid_until": c.valid_until.isoformat()}
                    for c in sorted(u.certifications.all(), key=lambda c: str(c.pk))
                ],
                "totp": devices.get(u.pk, []),
            }
            for u in users
        ],
        "documents": document_keys.node_blocks_and_keys(office),  # number blocks held by the node, published document keys
        "booking_settings": appointments_sync.settings_rows(offices),  # the central's booking rules, by office code
    }


def digest_of(snapshot: dict) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def build_changes(station: Station, *, since: str, master_digest: str = "", limit: int = PAGE_LIMIT) -> dict:
    """One page of changes for `station`'s office after cursor `since` (CursorError if bad)."""
    office = station.office
    limit = max(1, min(int(limit), MAX_PAGE_LIMIT))
    after_time, after_id = decode_cursor(since)
    horizon = timezone.now() - dt.timedelta(seconds=settings.ADMINDUK_SYNC_CHANGE_LAG_SECONDS)
    page = keyset.page_after(residents_of(office).filter(updated_at__lt=horizon).values(*ROW_COLUMNS, "updated_at"), after_time, after_id, limit)
    family_page = families.build_page(
        residents_of(office), after=families.position_from(since, fresh_start=horizon), horizon=horizon,
        resident_ids=[r["id"] for r in page], limit=limit,
    )
    last_time, last_id = (page[-1]["updated_at"], page[-1]["id"]) if page else (after_time, after_id)
    cursor = encode_cursor(last_time.isoformat(), str(last_id), family_page.position)
    snapshot = master_snapshot(office)
    digest = digest_of(snapshot)
    if page:
        record(
            None, "export", station=station, object_type="resident", kecamatan_code=office.kecamatan_id or "",
            details={"sync_pull": len(page), "office": office.code},
        )
    if family_page.rows:
        record(
            None, "export", station=station, object_type="family", kecamatan_code=office.kecamatan_id or "",
            details={"sync_pull": len(family_page.rows), "office": office.code},
        )
    data = {
        "cursor": cursor,
        "more": len(page) == limit or family_page.more,
        "residents": _rows_of(page),
        "families": family_page.rows,
        "master_digest": digest,
        "server_time": timezone.now().isoformat(),
    }
    if digest != master_digest:
        data["master"] = snapshot
    printing_sync.add_streams(data, office, since=since, limit=limit, horizon=horizon)
    named = appointments_sync.add_streams(data, office, since=since, limit=limit, horizon=horizon, station=station)
    _add_named_residents(data, named, station)
    civil_sync.add_stream(data, office, since=since, limit=limit, horizon=horizon)  # after printing: both fold into the cursor
    refusals.add_stream(data, office, since=since, limit=limit, horizon=horizon)  # the node's events the central refused
    return data


def _add_named_residents(data: dict, resident_ids: set, station: Station) -> None:
    """The residents the appointment rows name, when this page does not carry them: the node
    may lack one (of another kecamatan who booked at this office, or of its own area whose turn
    in the residents' stream is still to come). Applied before those rows."""
    wanted = set(resident_ids) - {uuid.UUID(str(r["id"])) for r in data["residents"]}
    if not wanted:
        return
    office = station.office
    rows = _rows_of(list(Resident.objects.filter(pk__in=wanted).values(*ROW_COLUMNS)))
    if rows:
        data["residents"] += rows
        record(
            None, "export", station=station, object_type="resident", kecamatan_code=office.kecamatan_id or "",
            details={"sync_pull_booked_here": len(rows), "office": office.code},
        )


# --- Node side ---------------------------------------------------------------------------------


@transaction.atomic
def apply_page(page: dict) -> dict:
    """Apply one page on the node and move its cursor, all or nothing. Returns counts."""
    state = NodeState.objects.select_for_update().get(pk=1)
    counts = {"residents": _apply_residents(page.get("residents") or [])}
    try:
        counts["families"] = families.apply_rows(page.get("families") or [])
    except families.FamilyPageError as exc:
        raise PageError(str(exc)) from exc
    if "master" in page:
        counts |= _apply_master(page["master"], state)
        state.master_digest = page["master_digest"]
    counts |= printing_sync.apply(page.get("printing") or {})  # after the master: it names offices
    counts |= appointments_sync.apply(page.get("appointments") or {})  # after the residents it names
    counts |= civil_sync.apply(page.get("civil") or [])
    counts |= refusals.apply(page.get("refusals") or [])  # last: the central's copy of the rows it carries is the newest
    state.cursor = page["cursor"]
    state.save(update_fields=["cursor", "master_digest", "synced_usernames", "updated_at"])
    if any(counts.values()) or "master" in page:
        record(None, "update", object_type="sync_pull", details=counts)
    return counts


def _apply_residents(rows: list[dict]) -> int:
    if not rows:
        return 0
    from adminduk.regions.models import Kelurahan

    wanted = {r["kelurahan_id"] for r in rows}
    missing = wanted - set(Kelurahan.objects.filter(code__in=wanted).values_list("code", flat=True))
    if missing:
        # A resident who moved out of the node's kota: its villages are not loaded here.
        _load_villages(missing)
        missing = wanted - set(Kelurahan.objects.filter(code__in=wanted).values_list("code", flat=True))
    if missing:
        raise PageError(f"kelurahan {', '.join(sorted(missing))} unknown on this node: load the regions (adminduk node init)")
    existing = dict(Resident.objects.filter(nik__in=[r["nik"] for r in rows]).values_list("nik", "pk"))
    fields = [f for f in RESIDENT_FIELDS if f.name not in ("id", "nik")]
    new, changed = [], []
    for row in rows:
        values = {f.attname: f.to_python(row[f.attname]) for f in fields if f.attname in row}
        if row["nik"] in existing:
            changed.append(Resident(pk=existing[row["nik"]], nik=row["nik"], **values))
        else:
            new.append(Resident(id=uuid.UUID(row["id"]), nik=row["nik"], **values))
    if new:
        Resident.objects.bulk_create(new, batch_size=500)
    if changed:
        now = timezone.now()
        for resident in changed:
            resident.updated_at = now
        Resident.objects.bulk_update(changed, [f.attname for f in fields] + ["updated_at"], batch_size=500)
    return len(rows)


def _load_villages(codes_wanted: set[str]) -> None:
    """Load the given kelurahan/desa (and their parents) from the shipped national list."""
    from adminduk.regions import codes, services

    wanted = set(codes_wanted)
    for code in codes_wanted:
        while (code := codes.parent_of(code)) is not None:
            wanted.add(code)
    rows = [row for row in codes.shipped_region_rows() if row.code in wanted]
    if any(row.code in codes_wanted for row in rows):
        services.load_regions(rows, villages_under=None)


def _apply_master(master: dict, state: NodeState) -> dict:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    offices = {}
    for row in master.get("offices", []):
        values = {"name": row["name"], "kind": row["kind"], "regency_id": row["regency"], "kecamatan_id": row["kecamatan"],
                  "address": row["address"], "phone": row["phone"], "is_active": row["is_active"]}
        office = Office.objects.filter(code=row["code"]).first()
        if office is None:
            office = Office.objects.create(id=uuid.UUID(row["id"]), code=row["code"], **values)
        else:
            Office.objects.filter(pk=office.pk).update(**values)
        offices[row["code"]] = office
    for row in master.get("stations", []):
        revoked_at = dt.datetime.fromisoformat(row["revoked_at"]) if row["revoked_at"] else None
        Station.objects.update_or_create(
            pk=uuid.UUID(row["id"]),
            defaults={"name": row["name"], "kind": row["kind"], "office": offices.get(row["office"]) or Office.objects.get(code=row["office"]),
                      "public_key": row["public_key"], "fingerprint": row["fingerprint"], "revoked_at": revoked_at,
                      "revocation_reason": row["revocation_reason"]},
        )
    seen = set()
    for row in master.get("users", []):
        user, _ = User.objects.get_or_create(username=row["username"], defaults={"role": row["role"]})
        for name in ("first_name", "last_name", "email", "role", "is_active", "password"):
            setattr(user, name, row[name])
        user.save()
        seen.add(user.username)
        wanted = [offices[c] for c in row["offices"] if c in offices]
        OfficeAssignment.objects.filter(user=user).exclude(office__in=wanted).delete()
        for office in wanted:
            OfficeAssignment.objects.get_or_create(user=user, office=office)
        cert_ids = []
        for cert in row["certifications"]:
            cert_ids.append(uuid.UUID(cert["id"]))
            Certification.objects.update_or_create(
                pk=cert_ids[-1],
                defaults={"user": user, "kind": cert["kind"], "certificate_number": cert["certificate_number"],
                          "trained_on": dt.date.fromisoformat(cert["trained_on"]), "valid_until": dt.date.fromisoformat(cert["valid_until"])},
            )
        Certification.objects.filter(user=user).exclude(pk__in=cert_ids).delete()
        names = []
        for device in row["totp"]:
            names.append(device["name"])
            TOTPDevice.objects.update_or_create(
                user=user, name=device["name"],
                defaults={k: device[k] for k in ("key", "step", "t0", "digits", "tolerance", "confirmed")},
            )
        TOTPDevice.objects.filter(user=user).exclude(name__in=names).delete()
    dropped = sorted(set(state.synced_usernames) - seen)
    if dropped:
        # No longer staff of this office at the central: they may not log in here either.
        User.objects.filter(username__in=dropped).update(is_active=False)
    state.synced_usernames = sorted(seen)
    documents = document_keys.apply_on_node(master.get("documents") or {}, offices)
    booking_settings = appointments_sync.apply_settings(master.get("booking_settings") or {}, offices)
    return {"offices": len(offices), "stations": len(master.get("stations", [])), "users": len(seen), "deactivated": len(dropped),
            "booking_settings": booking_settings} | documents
