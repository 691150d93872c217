"""When an office serves: its weekly opening hours minus its closed days.

Opening hours are wall-clock times in the office's local zone (Office.local_timezone()); the
functions here take and return timezone-aware datetimes, so callers may pass UTC.
"""

import datetime as dt

from django.db.models import Q

from . import rules
from .models import ClosedDay, Office, OpeningHours

Period = tuple[dt.datetime, dt.datetime]


def _require_aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")


def closed_days_q(office: Office) -> Q:
    """ClosedDay rows that apply to `office`: its own and those of its whole kab/kota."""
    return Q(office=office) | Q(office__isnull=True, regency_id=office.regency_id)


def _weekly_hours(office: Office, weekdays: set[int] | None = None) -> dict[int, list[tuple[dt.time, dt.time]]]:
    rows = OpeningHours.objects.filter(office=office)
    if weekdays is not None:
        rows = rows.filter(weekday__in=weekdays)
    week: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for weekday, opens, closes in rows.values_list("weekday", "opens", "closes"):
        week.setdefault(weekday, []).append((opens, closes))
    return week


def _closed_dates(office: Office, first: dt.date, last: dt.date) -> set[dt.date]:
    return set(ClosedDay.objects.filter(closed_days_q(office), date__range=(first, last)).values_list("date", flat=True))


def _periods_on(office: Office, on: dt.date, times: list[tuple[dt.time, dt.time]]) -> list[Period]:
    tz = office.local_timezone()
    return rules.merge_touching(
        [(dt.datetime.combine(on, opens, tzinfo=tz), dt.datetime.combine(on, closes, tzinfo=tz)) for opens, closes in times]
    )


def service_periods(office: Office, on: dt.date) -> list[Period]:
    """The office's service periods on local date `on`, as sorted (start, end) aware datetimes
    in the office's zone, end exclusive. Empty on a closed day and for an inactive office.
    Periods that touch (day service directly followed by evening service) come back joined."""
    if not office.is_active or _closed_dates(office, on, on):
        return []
    return _periods_on(office, on, _weekly_hours(office, {on.weekday()}).get(on.weekday(), []))


def is_open(office: Office, at: dt.datetime) -> bool:
    """Whether `office` serves at the aware moment `at` (opening time inclusive, closing exclusive)."""
    _require_aware(at, "at")
    local = at.astimezone(office.local_timezone())
    return any(start <= local < end for start, end in service_periods(office, local.date()))


def next_opening(office: Office, after: dt.datetime, *, horizon_days: int = 366) -> dt.datetime | None:
    """The start of the first service period that begins at or after the aware moment `after`,
    looking `horizon_days` ahead; None if the office has no service in that time.

    A period that is under way at `after` does not count: use is_open for "open now?"."""
    _require_aware(after, "after")
    if not office.is_active:
        return None
    week = _weekly_hours(office)
    if not week:
        return None
    local = after.astimezone(office.local_timezone())
    first = local.date()
    last = first + dt.timedelta(days=horizon_days)
    closed = _closed_dates(office, first, last)  # two queries for the whole horizon
    day = first
    while day <= last:
        if day not in closed:
            for start, _end in _periods_on(office, day, week.get(day.weekday(), [])):
                if start >= local:
                    return start
        day += dt.timedelta(days=1)
    return None
