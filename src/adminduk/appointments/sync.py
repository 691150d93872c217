"""The appointment streams of the pull (central → node), beside the residents of sync.changes
and the printing streams: the office's slots (today on: times, capacity, places booked), its
bookings (open, or with a slot in the last RECENT_DAYS days) and its RT invitations (today on),
each paged by its own keyset (updated_at, id) kept inside the one opaque cursor.

A booking row carries its slot, so the node never lacks the slot a booking names (a slot of an
earlier day, or of the office the booking moved to). A booking that moved to another office
stays in the old office's stream through `left_office`, so that node stops expecting the resident.
An invitation names its booking: the invitation stream waits while the bookings have more.

On the node a booking it checked in or closed itself (event_pending) is kept until the
central's copy names the node's event (last_event), as printing.sync does for jobs and cards."""

import datetime as dt
import logging
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from adminduk.audit.actions import record
from adminduk.offices.models import Office
from adminduk.sync import keyset

from .actions import SETTINGS_FIELDS
from .choices import OPEN_STATUSES
from .models import Booking, BookingSettings, Slot

logger = logging.getLogger("adminduk.appointments")

EPOCH = "1970-01-01T00:00:00+00:00"
STREAMS = ("slots", "bookings", "invitations")
RECENT_DAYS = 7


def _invitations():
    from adminduk.queueing.models import Invitation

    return Invitation


def _querysets(office, today: dt.date) -> dict:
    recent = today - dt.timedelta(days=RECENT_DAYS)
    bookings = Booking.objects.filter(Q(office=office) | Q(left_office=office)).filter(Q(status__in=OPEN_STATUSES) | Q(slot__date__gte=recent))
    return {
        # Slots exist only for the days that can be booked (appointments.slots), so "today on" is
        # the booking horizon; a lower bound that rises never hides a row the node still needs.
        "slots": Slot.objects.filter(office=office, date__gte=today).select_related("office"),
        "bookings": bookings.select_related("slot__office", "office", "created_by"),
        "invitations": _invitations().objects.filter(office=office, date__gte=today).select_related("office"),
    }


def _slot_row(slot: Slot) -> dict:
    return {"id": str(slot.pk), "office": slot.office.code, "service": slot.service, "date": slot.date.isoformat(),
            "starts_at": slot.starts_at.isoformat(), "ends_at": slot.ends_at.isoformat(), "capacity": slot.capacity, "booked": slot.booked}


def booking_row(obj: Booking) -> dict:
    return {"id": str(obj.pk), "resident": str(obj.resident_id), "nik": obj.nik, "office": obj.office.code, "service": obj.service,
            "slot": _slot_row(obj.slot), "status": obj.status, "channel": obj.channel, "over_capacity": obj.over_capacity,
            "flagged_at": obj.flagged_at.isoformat() if obj.flagged_at else None,
            "created_by": obj.created_by.username if obj.created_by_id else "", "created_at": obj.created_at.isoformat(),
            "last_event": str(obj.last_event) if obj.last_event else None}


def _row(stream: str, obj) -> dict:
    if stream == "slots":
        return _slot_row(obj)
    if stream == "bookings":
        return booking_row(obj)
    return {"id": str(obj.pk), "batch": str(obj.batch), "resident": str(obj.resident_id), "nik": obj.nik, "office": obj.office.code,
            "date": obj.date.isoformat(), "time": obj.time.isoformat(), "status": obj.status, "kelurahan": obj.kelurahan_id,
            "rw": obj.rw, "rt": obj.rt, "booking": str(obj.booking_id) if obj.booking_id else None}


def add_streams(data: dict, office, *, since: str, limit: int, horizon: dt.datetime, station=None) -> set:
    """Add one page of each appointment stream after `since` to the pull answer `data`, fold
    their positions into its cursor, and return the ids of the residents its rows name (the
    caller sends those the node may lack: a resident of another kecamatan booked here)."""
    positions = keyset.cursor_part(since, "a") or {}  # decode_cursor has checked its shape
    out, more, residents = {}, False, set()
    for stream, queryset in _querysets(office, timezone.localdate()).items():
        if more and stream == "invitations":
            out[stream] = []  # an invitation names its booking: it waits until the bookings caught up
            continue
        stamp, last = positions.get(stream) or [EPOCH, str(uuid.UUID(int=0))]
        page = keyset.page_after(queryset.filter(updated_at__lt=horizon), dt.datetime.fromisoformat(stamp), uuid.UUID(last), limit)
        out[stream] = [_row(stream, obj) for obj in page]
        residents |= {obj.resident_id for obj in page if stream != "slots"}
        if page:
            positions[stream] = [page[-1].updated_at.isoformat(), str(page[-1].pk)]
        more = more or len(page) == limit
    for stream, object_type in (("bookings", "booking"), ("invitations", "invitation")):
        if out[stream]:  # NIKs leave the central: an export like the residents' pull
            record(None, "export", station=station, object_type=object_type, kecamatan_code=office.kecamatan_id or "",
                   details={"sync_pull": len(out[stream]), "office": office.code})
    data["appointments"] = out
    data["more"] = data["more"] or more
    keyset.fold_into_cursor(data, "a", positions)
    return residents


def settings_rows(offices) -> dict:
    """The booking settings of `offices` for the pull's master snapshot, by office code (None:
    the office uses the defaults). The node applies the central's rules (latest change time,
    slot length, minutes per recording, horizon), never its own."""
    found = {conf.office_id: conf for conf in BookingSettings.objects.filter(office__in=list(offices))}
    return {o.code: ({name: getattr(found[o.pk], name) for name in SETTINGS_FIELDS} if o.pk in found else None) for o in offices}


# --- Node side ---------------------------------------------------------------------------------


def apply_settings(rows: dict, offices: dict) -> int:
    """Take the central's booking settings for the snapshot's offices (`offices`: code → Office)."""
    changed = 0
    for code, values in rows.items():
        office = offices.get(code)
        if office is None:
            continue
        if values is None:
            changed += BookingSettings.objects.filter(office=office).delete()[0]
            continue
        values = {name: values[name] for name in SETTINGS_FIELDS}
        conf = BookingSettings.objects.filter(office=office).first()
        if conf is None or any(getattr(conf, name) != value for name, value in values.items()):
            BookingSettings.objects.update_or_create(office=office, defaults=values)
            changed += 1
    return changed


def _office(code: str, cache: dict) -> Office:
    if code not in cache:
        cache[code] = Office.objects.get(code=code)
    return cache[code]


def _apply_slot(row: dict, offices: dict, *, create_only: bool = False) -> None:
    office = _office(row["office"], offices)
    values = {"office": office, "service": row["service"], "date": dt.date.fromisoformat(row["date"]),
              "starts_at": dt.datetime.fromisoformat(row["starts_at"]), "ends_at": dt.datetime.fromisoformat(row["ends_at"]),
              "capacity": row["capacity"], "booked": row["booked"]}
    if create_only and Slot.objects.filter(pk=row["id"]).exists():
        return
    # A slot this node made itself before slots came from the central (same office and time,
    # another id) gives way when nothing is booked in it.
    Slot.objects.filter(office=office, service=row["service"], starts_at=values["starts_at"], bookings__isnull=True).exclude(pk=row["id"]).delete()
    Slot.objects.update_or_create(pk=row["id"], defaults=values)


def _keeps_local(pk, central_event) -> bool:
    """The node's own check-in or closing waits for the central to name its event."""
    local = Booking.objects.filter(pk=pk).values("event_pending", "last_event").first()
    return bool(local and local["event_pending"] and str(local["last_event"]) != str(central_event))


def apply(streams: dict) -> dict:
    """Apply the appointment streams of a page on the node (inside sync.changes.apply_page's
    transaction, after the residents and the master snapshot). Returns counts."""
    if not streams:
        return {}
    from adminduk.accounts.models import User
    from adminduk.population.models import Resident

    offices: dict = {}
    counts = dict.fromkeys(STREAMS, 0)
    for row in streams.get("slots", []):
        _apply_slot(row, offices)
        counts["slots"] += 1
    for row in streams.get("bookings", []):
        if _keeps_local(row["id"], row["last_event"]):
            continue
        _apply_slot(row["slot"], offices, create_only=True)
        resident = Resident.objects.only("pk").get(nik=row["nik"])
        values = {"resident": resident, "nik": row["nik"], "office": _office(row["office"], offices), "service": row["service"],
                  "slot_id": row["slot"]["id"], "status": row["status"], "channel": row["channel"], "over_capacity": row["over_capacity"],
                  "flagged_at": dt.datetime.fromisoformat(row["flagged_at"]) if row["flagged_at"] else None,
                  "created_by": User.objects.filter(username=row["created_by"]).first() if row["created_by"] else None,
                  "last_event": row["last_event"], "event_pending": False}
        try:
            with transaction.atomic():
                Booking.objects.update_or_create(pk=row["id"], defaults=values)
        except IntegrityError:
            # The node still holds the resident's earlier booking open (its own check-in not yet
            # confirmed): this one comes again with the next change after the central confirms.
            logger.warning("booking %s of %s not applied: the node still has another open booking of the resident", row["id"], row["nik"])
            continue
        counts["bookings"] += 1
    Invitation = _invitations()
    for row in streams.get("invitations", []):
        booking_id = row["booking"] if row["booking"] and Booking.objects.filter(pk=row["booking"]).exists() else None
        values = {"batch": row["batch"], "resident": Resident.objects.only("pk").get(nik=row["nik"]), "nik": row["nik"],
                  "office": _office(row["office"], offices), "date": dt.date.fromisoformat(row["date"]), "time": dt.time.fromisoformat(row["time"]),
                  "status": row["status"], "kelurahan_id": row["kelurahan"], "rw": row["rw"], "rt": row["rt"], "booking_id": booking_id}
        Invitation.objects.update_or_create(pk=row["id"], defaults=values)
        counts["invitations"] += 1
    return {f"appointment_{k}": v for k, v in counts.items() if v}
