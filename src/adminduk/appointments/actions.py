"""Every write to bookings goes through one function here: book, reschedule, cancel,
check_in, close. Each checks first, writes in one transaction with its audit entry, and
stores nothing when refused (BookingRefused).

Capacity is held by the database: a place is taken with
``UPDATE slot SET booked = booked + 1 WHERE id = ... AND booked < capacity``; under PostgreSQL
a concurrent booker waits for the row and re-checks the condition, and SQLite's write lock
serialises writers. The partial unique constraint one_open_booking_per_resident_service stops a
second open booking of one resident even when both are made at the same instant.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record

from . import rules
from .choices import OPEN_STATUSES, BookingStatus, Channel, Service
from .models import BlockedTime, Booking, BookingSettings, Slot
from .rules import BookingRefused

SETTINGS_FIELDS = ("minutes_per_recording", "slot_minutes", "change_cutoff_minutes", "horizon_days")


def _take_place(slot: Slot) -> None:
    if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1, updated_at=timezone.now()):
        raise rules.slot_full(slot)
    slot.refresh_from_db(fields=["booked", "capacity"])


def _give_place(slot_id) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1, updated_at=timezone.now())


def _central_only() -> None:
    """Bookings are made, moved and cancelled at the central, which holds the capacity of every
    office; a node receives them in the pull and only checks residents in and closes them."""
    if settings.ROLE == "node":
        raise BookingRefused(
            _("Bookings are made, moved and cancelled at the central (the portal, the API or its pages), not on the office's node."),
            "central_only",
            409,
        )


def _audit(request, action: str, booking: Booking, actor, **details) -> None:
    record(
        request,
        action,
        actor=actor,
        object_type="booking",
        object_id=str(booking.pk),
        kecamatan_code=booking.resident.kelurahan.kecamatan_id,
        details={"nik": booking.nik, "office": booking.office.code, "slot": booking.slot.starts_at.isoformat(), **details},
    )


def _slot(slot) -> Slot:
    if isinstance(slot, Slot):
        return slot
    found = Slot.objects.select_related("office__booking_settings").filter(pk=slot).first()
    if found is None:
        raise BookingRefused(_("That slot does not exist."), "unknown_slot", 404)
    return found


def book(
    *,
    nik: str,
    slot,
    service: str = Service.PEREKAMAN,
    actor=None,
    channel: str = Channel.COUNTER,
    request=None,
    now: dt.datetime | None = None,
    resident=None,
) -> Booking:
    """Book the resident with `nik` into `slot` (a Slot or its id). A caller that has already
    looked the resident up (for its jurisdiction check) may pass it as `resident`."""
    from .confirmations import confirm_on_commit

    _central_only()
    if resident is None or resident.nik != nik:
        resident = rules.resident_for_nik(nik)
    slot = _slot(slot)
    if slot.service != service:
        raise BookingRefused(_("That slot is not for this service."), "wrong_service")
    rules.check_changeable(slot, now)
    rules.check_resident(resident, service, slot.date)
    rules.check_no_open_booking(resident, service)
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                resident=resident, nik=resident.nik, office=slot.office, service=service, slot=slot, channel=channel,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            _audit(request, "create", booking, actor, channel=channel)
            # The place last: the slot's row stays locked from here to the commit only, so the
            # bookings of one slot queue on it for the shortest time (slot full: all rolled back).
            _take_place(slot)
    except IntegrityError:
        # The partial unique constraint: the same resident booked at the same instant elsewhere.
        rules.check_no_open_booking(resident, service)
        raise
    confirm_on_commit(booking)
    return booking


def _locked(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("slot__office", "office", "resident__kelurahan").get(pk=booking.pk)


def reschedule(booking: Booking, new_slot, *, actor=None, request=None, now: dt.datetime | None = None) -> Booking:
    """Move an open booking to `new_slot` (same service, any office); the old place is freed."""
    from .confirmations import confirm_on_commit

    _central_only()
    new_slot = _slot(new_slot)
    with transaction.atomic():
        booking = _locked(booking)
        if not booking.is_open or booking.status != BookingStatus.BOOKED:
            raise BookingRefused(_("Only a booking that is still booked can be moved."), "not_open", 409)
        if new_slot.pk == booking.slot_id:
            raise BookingRefused(_("The booking is already in that slot."), "same_slot")
        if new_slot.service != booking.service:
            raise BookingRefused(_("That slot is not for this service."), "wrong_service")
        if not booking.over_capacity:  # a flagged booking may always move: the office moved it first
            rules.check_changeable(booking.slot, now, what="reschedule")
        rules.check_changeable(new_slot, now)
        rules.check_resident(booking.resident, booking.service, new_slot.date)
        old_slot = booking.slot
        # Both slot rows locked in one fixed order, so two opposite moves cannot deadlock.
        list(Slot.objects.select_for_update().filter(pk__in=[old_slot.pk, new_slot.pk]).order_by("pk"))
        _take_place(new_slot)
        _give_place(old_slot.pk)
        if new_slot.office_id != booking.office_id:
            booking.left_office = booking.office  # the old office's node gets the move in its pull
        booking.slot, booking.office = new_slot, new_slot.office
        booking.over_capacity, booking.flagged_at, booking.reminder_sent_at = False, None, None
        booking.save(update_fields=["slot", "office", "left_office", "over_capacity", "flagged_at", "reminder_sent_at", "updated_at"])
        _audit(request, "update", booking, actor, change="reschedule", from_slot=old_slot.starts_at.isoformat())
    confirm_on_commit(booking, rescheduled=True)
    return booking


def cancel(booking: Booking, *, actor=None, request=None, reason: str = "", now: dt.datetime | None = None) -> Booking:
    """Cancel an open booking and free its place (until the latest change time)."""
    _central_only()
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status != BookingStatus.BOOKED:
            raise BookingRefused(_("Only a booking that is still booked can be cancelled."), "not_open", 409)
        if not booking.over_capacity:
            rules.check_changeable(booking.slot, now, what="cancel")
        booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status", "updated_at"])
        _give_place(booking.slot_id)
        _audit(request, "update", booking, actor, change="cancel", reason=reason.strip()[:200])
    return booking


@transaction.atomic
def check_in(booking: Booking, *, actor=None, request=None, event_id=None, device_time: dt.datetime | None = None) -> Booking:
    """The resident arrived at the office (the queue checks booked residents in). On a node the
    check-in also goes to the central as an event packet (appointments.events); at the central
    `event_id` names the node event being applied."""
    from . import events

    booking = _locked(booking)
    if booking.status != BookingStatus.BOOKED:
        raise BookingRefused(_("Only a booking that is still booked can be checked in."), "not_open", 409)
    booking.status = BookingStatus.CHECKED_IN
    booking.last_event = event_id or booking.last_event
    booking.save(update_fields=["status", "last_event", "updated_at"])
    _audit(request, "update", booking, actor, change="check_in", **_node_details(event_id, device_time))
    events.emit("check_in", booking, actor=actor)
    return booking


@transaction.atomic
def close(booking: Booking, status: str, *, actor=None, request=None, event_id=None, device_time: dt.datetime | None = None) -> Booking:
    """Finish an open booking as attended or no-show; its place is not given back (the time
    passed). On a node this travels to the central as an event packet, like check_in."""
    from . import events

    if status not in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
        raise ValueError(f"cannot close a booking as {status}")
    booking = _locked(booking)
    if booking.status not in OPEN_STATUSES:
        raise BookingRefused(_("This booking is already finished."), "not_open", 409)
    booking.status = status
    booking.last_event = event_id or booking.last_event
    booking.save(update_fields=["status", "last_event", "updated_at"])
    _audit(request, "update", booking, actor, change=status, **_node_details(event_id, device_time))
    events.emit("closed", booking, actor=actor, status=status)
    return booking


def _node_details(event_id, device_time) -> dict:
    if event_id is None:
        return {}
    return {"node_event": str(event_id)} | ({"device_time": device_time.isoformat()} if device_time else {})


# Office booking rules and blocked time (each change refreshes capacity at once).


@transaction.atomic
def set_booking_settings(office, *, actor=None, request=None, **changes) -> BookingSettings:
    from . import slots

    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))} here")
    conf, _created = BookingSettings.objects.select_for_update().get_or_create(office=office)
    for name, value in changes.items():
        setattr(conf, name, value)
    conf.full_clean()
    conf.save()
    record(request, "update", actor=actor, object_type="booking_settings", object_id=office.code, details={k: str(v) for k, v in changes.items()})
    slots.refresh(office)
    return conf


@transaction.atomic
def add_blocked_time(office, starts_at: dt.datetime, ends_at: dt.datetime, reason: str, *, actor=None, request=None) -> BlockedTime:
    from . import slots

    if not (reason or "").strip():
        raise BookingRefused(_("Say why the time is blocked."), "reason_required")
    if starts_at >= ends_at:
        raise BookingRefused(_("The blocked time must end after it starts."), "bad_period")
    blocked = BlockedTime.objects.create(office=office, starts_at=starts_at, ends_at=ends_at, reason=reason.strip())
    record(request, "create", actor=actor, object_type="blocked_time", object_id=str(blocked.pk), details={"office": office.code})
    slots.refresh(office)
    return blocked


@transaction.atomic
def remove_blocked_time(blocked: BlockedTime, *, actor=None, request=None) -> None:
    from . import slots

    office = blocked.office
    BlockedTime.objects.filter(pk=blocked.pk).delete()
    record(request, "update", actor=actor, object_type="blocked_time", object_id=str(blocked.pk), details={"removed": True})
    slots.refresh(office)

