"""How many residents an office can take in each slot of a day.

capacity of a slot = active recording sets x (slot minutes - blocked minutes) / minutes per
recording, rounded down. A national holiday of Indonesia (the `holidays` library, maintained
upstream) or an office closure (offices.ClosedDay) leaves a day without slots; evening service
is just another opening period, so its slots come with it.
"""

import datetime as dt
import functools
from dataclasses import dataclass

import holidays
from django.utils.translation import get_language

from adminduk.offices import schedule
from adminduk.offices.queries import active_capacity

from .choices import Service
from .models import BlockedTime, BookingSettings


@dataclass(frozen=True)
class Window:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int


@functools.lru_cache(maxsize=16)
def _national_holidays(year: int, language: str) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("ID", years=year, language=language))


def national_holiday(on: dt.date) -> str | None:
    """The name of Indonesia's national holiday on `on` (in the user's language), or None."""
    language = "id" if (get_language() or "id").startswith("id") else "en_US"
    return _national_holidays(on.year, language).get(on)


def settings_for(office, *, fresh: bool = False) -> BookingSettings:
    """The office's booking settings (defaults when it has none). Taken from the office's
    select_related cache when there is one, unless `fresh`."""
    related = type(office).booking_settings.related
    if not fresh and related.is_cached(office):
        found = related.get_cached_value(office)
    else:
        found = BookingSettings.objects.filter(office=office).first()
    return found if found is not None else BookingSettings(office=office)


def _overlap(start: dt.datetime, end: dt.datetime, blocks: list[tuple[dt.datetime, dt.datetime]]) -> dt.timedelta:
    """Time in [start, end) covered by any of `blocks` (blocks may overlap each other)."""
    pieces = sorted((max(start, b0), min(end, b1)) for b0, b1 in blocks if b0 < end and b1 > start)
    total, cursor = dt.timedelta(), start
    for b0, b1 in pieces:
        b0 = max(b0, cursor)
        if b1 > b0:
            total += b1 - b0
            cursor = b1
    return total


def windows(office, on: dt.date, service: str = Service.PEREKAMAN, *, booking_settings: BookingSettings | None = None) -> list[Window]:
    """The bookable windows of `office` on local date `on` with their capacity now."""
    if service != Service.PEREKAMAN or national_holiday(on):
        return []
    periods = schedule.service_periods(office, on)  # empty on a closed day or for an inactive office
    if not periods:
        return []
    conf = booking_settings or settings_for(office)
    sets = active_capacity(office).recording_sets
    day_start, day_end = periods[0][0], periods[-1][1]
    blocks = list(
        BlockedTime.objects.filter(office=office, starts_at__lt=day_end, ends_at__gt=day_start).values_list("starts_at", "ends_at")
    )
    step = dt.timedelta(minutes=conf.slot_minutes)
    result = []
    for start, end in periods:
        cursor = start
        while cursor < end:
            stop = min(cursor + step, end)
            usable = (stop - cursor) - _overlap(cursor, stop, blocks)
            minutes = int(usable.total_seconds()) // 60
            result.append(Window(cursor, stop, sets * minutes // conf.minutes_per_recording))
            cursor = stop
    return result


def day_capacity(office, on: dt.date, service: str = Service.PEREKAMAN) -> int:
    return sum(w.capacity for w in windows(office, on, service))
