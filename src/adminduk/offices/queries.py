"""Read-only questions about offices: equipment in service and what it can do in a day."""

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from django.db.models import Count

from . import schedule
from .choices import EquipmentKind, EquipmentStatus
from .models import Equipment, Office

# Recordings one active recording set takes per service hour. DOMAIN.md: about 100 recordings a
# day per recording point on about 8 service hours, i.e. one resident every ~4.8 minutes
# including the hand-over between residents (the capture itself takes 2-3 minutes). Kota
# Palembang's 380 a day on 2 sets until 20:00 is ~16 an hour, so 12.5 is a cautious default.
RECORDINGS_PER_SET_PER_HOUR = Decimal("12.5")


class ActiveCapacity(NamedTuple):
    recording_sets: int
    card_printers: int


def active_capacity(office: Office) -> ActiveCapacity:
    """Equipment of `office` that is active now (broken, in repair and retired do not count)."""
    counts = dict(
        Equipment.objects.filter(office=office, status=EquipmentStatus.ACTIVE)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return ActiveCapacity(
        recording_sets=counts.get(EquipmentKind.RECORDING_SET, 0),
        card_printers=counts.get(EquipmentKind.CARD_PRINTER, 0),
    )


def service_time(office: Office, on: dt.date) -> dt.timedelta:
    """Total service time of `office` on local date `on` (zero on a closed day)."""
    return sum((end - start for start, end in schedule.service_periods(office, on)), dt.timedelta())


def daily_recording_capacity(
    office: Office, on: dt.date, per_set_per_hour: Decimal | float | int = RECORDINGS_PER_SET_PER_HOUR
) -> int:
    """How many e-KTP recordings `office` can take on local date `on`: service hours of that
    day x active recording sets x `per_set_per_hour`, rounded down.

    The sets counted are those active now: the status history says when a set broke, not when
    it will be repaired, so for a future date today's count is the best estimate there is.
    """
    if Decimal(str(per_set_per_hour)) < 0:
        raise ValueError("per_set_per_hour cannot be negative")
    seconds = int(service_time(office, on).total_seconds())
    if not seconds:
        return 0
    sets = active_capacity(office).recording_sets
    # Exact arithmetic: 6.5 h x 12.5 must not come out as 81.2499... and lose one.
    return math.floor(Fraction(seconds, 3600) * sets * Fraction(str(per_set_per_hour)))
