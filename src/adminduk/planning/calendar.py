"""Working days for the planner: Monday to Friday, without Indonesia's national holidays
(appointments.capacity.national_holiday, from the maintained `holidays` library) and without
any extra closed dates the caller knows of (a kab/kota's cuti bersama, offices.ClosedDay)."""

import datetime as dt
from collections.abc import Iterable

from adminduk.appointments.capacity import national_holiday

# A plan that needs more working days than this (about 30 years) is reported as never finishing.
HORIZON_WORKING_DAYS = 30 * 245


class WorkingCalendar:
    """The working days from `start` on, listed once and extended as far as a caller asks."""

    def __init__(self, start: dt.date, closed: Iterable[dt.date] = ()):
        self.start = start
        self.closed = frozenset(closed)
        self._days: list[dt.date] = []
        self._next = start

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.closed and national_holiday(day) is None

    def _extend_to(self, n: int) -> None:
        while len(self._days) < n:
            if self.is_working_day(self._next):
                self._days.append(self._next)
            self._next += dt.timedelta(days=1)

    def until(self, end: dt.date) -> int:
        """Working days from the start to `end`, both included (0 when end is before start)."""
        while self._next <= end:
            self._extend_to(len(self._days) + 1)
        return sum(1 for day in self._days if day <= end)

    def nth(self, n: int) -> dt.date | None:
        """The n-th working day (n = 1: the first working day on or after the start); None past
        the horizon."""
        if n < 1:
            return self.start
        if n > HORIZON_WORKING_DAYS:
            return None
        self._extend_to(n)
        return self._days[n - 1]
