"""Rules for opening hours and equipment, without the database.

The actions enforce them before writing and the admin forms call them to show the same message
on the field, so a refused change is explained the same way everywhere.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import EquipmentStatus, Weekday

# (weekday 0-6, opens, closes) in the office's local time.
WeeklyPeriod = tuple[int, dt.time, dt.time]


def _hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M")


def period_errors(periods: Iterable[WeeklyPeriod]) -> list[str]:
    """Everything wrong with a set of weekly service periods; empty when it is valid.

    A period runs from `opens` (inclusive) to `closes` (exclusive) on one weekday. Periods that
    only touch (08:00-16:00 and 16:00-20:00 evening service) are allowed; overlapping ones are
    not, because capacity would count the overlap twice. A period cannot run past midnight.
    """
    errors = []
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
    for weekday, opens, closes in periods:
        if weekday not in Weekday.values:
            errors.append(_("%(value)s is not a weekday (0 is Monday, 6 is Sunday).") % {"value": weekday})
            continue
        day = Weekday(weekday).label
        if opens >= closes:
            errors.append(
                _("%(day)s: opening time %(opens)s must be before closing time %(closes)s (service cannot run past midnight).")
                % {"day": day, "opens": _hhmm(opens), "closes": _hhmm(closes)}
            )
            continue
        by_day[weekday].append((opens, closes))
    for weekday in sorted(by_day):
        ordered = sorted(by_day[weekday])
        for (opens_a, closes_a), (opens_b, closes_b) in zip(ordered, ordered[1:]):
            if opens_b < closes_a:
                errors.append(
                    _("%(day)s: %(a)s overlaps %(b)s.")
                    % {
                        "day": Weekday(weekday).label,
                        "a": f"{_hhmm(opens_a)}-{_hhmm(closes_a)}",
                        "b": f"{_hhmm(opens_b)}-{_hhmm(closes_b)}",
                    }
                )
    return errors


def check_periods(periods: Iterable[WeeklyPeriod]) -> None:
    """Raise ValidationError listing every problem of `periods` (see period_errors)."""
    errors = period_errors(periods)
    if errors:
        raise ValidationError(errors)


def merge_touching(periods: list[tuple]) -> list[tuple]:
    """Join sorted (start, end) periods where one ends exactly when the next starts: the office
    does not close between a day period and evening service that follows it directly."""
    merged: list[tuple] = []
    for start, end in sorted(periods):
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def status_change_error(current: str, new: str) -> str | None:
    """Why equipment may not go from status `current` to `new`, or None if it may."""
    if new not in EquipmentStatus.values:
        return _("%(value)s is not an equipment status.") % {"value": new}
    if current == EquipmentStatus.RETIRED:
        return _("Retired equipment stays retired; register a replacement instead.")
    if current == new:
        return _("The equipment is already %(status)s.") % {"status": EquipmentStatus(new).label}
    return None


def initial_status_error(status: str) -> str | None:
    """New equipment starts active, broken or in repair; retiring needs an existing record."""
    if status not in EquipmentStatus.values:
        return _("%(value)s is not an equipment status.") % {"value": status}
    if status == EquipmentStatus.RETIRED:
        return _("New equipment cannot start as retired.")
    return None


def move_error(current_status: str, from_office, to_office) -> str | None:
    """Why equipment may not move from `from_office` to `to_office`, or None if it may."""
    if current_status == EquipmentStatus.RETIRED:
        return _("Retired equipment is not moved.")
    if from_office.pk == to_office.pk:
        return _("The equipment is already at %(office)s.") % {"office": to_office}
    if not to_office.is_active:
        return _("%(office)s is not in service.") % {"office": to_office}
    return None
