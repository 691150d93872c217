"""Slot rows: made when a day is first looked at or booked, kept in step with capacity.

A day's slots are written once (bulk insert that ignores rows another process wrote first);
afterwards only `refresh` changes their capacity, when equipment, hours, closures or blocked
time change (appointments.signals). Bookings beyond a capacity that dropped are flagged and
their residents told, with another slot offered.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import capacity
from .choices import OPEN_STATUSES, Service
from .models import Booking, Slot


def local_today(office) -> dt.date:
    return timezone.now().astimezone(office.local_timezone()).date()


def slots_for_day(office, on: dt.date, service: str = Service.PEREKAMAN) -> list[Slot]:
    """The slots of `office` on `on`, made from the current capacity if none exist yet."""
    rows = list(Slot.objects.filter(office=office, service=service, date=on).order_by("starts_at"))
    today = local_today(office)
    if settings.ROLE == "node":
        return rows  # a node shows the slots the central made and sent in the pull (appointments.sync)
    if rows or on < today or (on - today).days > capacity.settings_for(office).horizon_days:
        return rows  # rows are made only for the days that can be booked
    wanted = capacity.windows(office, on, service)
    if not wanted:
        return []
    Slot.objects.bulk_create(
        [Slot(office=office, service=service, date=on, starts_at=w.starts_at, ends_at=w.ends_at, capacity=w.capacity) for w in wanted],
        ignore_conflicts=True,  # another process made them first: theirs are the same
    )
    return list(Slot.objects.filter(office=office, service=service, date=on).order_by("starts_at"))


def next_free_slot(office, *, after: dt.datetime, service: str = Service.PEREKAMAN, exclude=None) -> Slot | None:
    """The first slot starting after `after` with a free place, within the booking horizon."""
    conf = capacity.settings_for(office)
    day = after.astimezone(office.local_timezone()).date()
    for offset in range(conf.horizon_days + 1):
        for slot in slots_for_day(office, day + dt.timedelta(days=offset), service):
            if slot.starts_at > after and slot.booked < slot.capacity and slot.pk != exclude:
                return slot
    return None


@dataclass
class RefreshResult:
    slots_changed: int = 0
    flagged: list[Booking] = field(default_factory=list)
    unflagged: int = 0


@transaction.atomic
def refresh(office, *, service: str = Service.PEREKAMAN) -> RefreshResult:
    """Bring the capacity of every slot of `office` from today on in line with its equipment,
    hours, closures and blocked time now; flag the bookings that no longer fit."""
    from .notify import offer_another_slot_on_commit

    result = RefreshResult()
    if settings.ROLE == "node":
        return result  # capacity is the central's: its refreshed slots and flags reach the node in the pull
    today = local_today(office)
    dates = sorted(set(Slot.objects.filter(office=office, service=service, date__gte=today).values_list("date", flat=True)))
    conf = capacity.settings_for(office, fresh=True)
    now = timezone.now()
    for on in dates:
        wanted = {w.starts_at: w for w in capacity.windows(office, on, service, booking_settings=conf)}
        # Locked in a fixed order (start time), as bookings lock them one at a time.
        rows = list(Slot.objects.select_for_update().filter(office=office, service=service, date=on).order_by("starts_at"))
        have = {row.starts_at: row for row in rows}
        new = [
            Slot(office=office, service=service, date=on, starts_at=w.starts_at, ends_at=w.ends_at, capacity=w.capacity)
            for start, w in wanted.items()
            if start not in have
        ]
        if new:
            Slot.objects.bulk_create(new, ignore_conflicts=True)
            result.slots_changed += len(new)
        for row in rows:
            window = wanted.get(row.starts_at)
            new_capacity = window.capacity if window else 0
            if new_capacity != row.capacity or (window and window.ends_at != row.ends_at):
                Slot.objects.filter(pk=row.pk).update(capacity=new_capacity, ends_at=window.ends_at if window else row.ends_at, updated_at=now)
                row.capacity = new_capacity
                result.slots_changed += 1
            _flag_beyond_capacity(row, now, result)
    for booking in result.flagged:
        offer_another_slot_on_commit(booking, _offer_for)
    return result


def _offer_for(booking: Booking) -> Slot | None:
    return next_free_slot(booking.office, after=max(booking.slot.starts_at, timezone.now()), service=booking.service, exclude=booking.slot_id)


def _flag_beyond_capacity(slot: Slot, now: dt.datetime, result: RefreshResult) -> None:
    open_bookings = list(Booking.objects.filter(slot=slot, status__in=OPEN_STATUSES).order_by("created_at", "id"))
    # First come, first kept: the latest bookings are the ones beyond the capacity.
    keep, beyond = open_bookings[: slot.capacity], open_bookings[slot.capacity :]
    to_flag = [b for b in beyond if not b.over_capacity]
    if to_flag:
        Booking.objects.filter(pk__in=[b.pk for b in to_flag]).update(over_capacity=True, flagged_at=now, updated_at=now)
        for booking in to_flag:
            booking.over_capacity, booking.flagged_at = True, now
        result.flagged.extend(to_flag)
    back = [b.pk for b in keep if b.over_capacity]
    if back:
        result.unflagged += Booking.objects.filter(pk__in=back).update(over_capacity=False, updated_at=now)


