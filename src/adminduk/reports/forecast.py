"""Completion forecast of a kecamatan at its recent daily recording rate.

The rate is the mean of the last `window` days' recordings (days without any count as 0). Its
uncertainty is the standard error of that mean, s / sqrt(n), with s the sample standard deviation
of the daily counts; the band is the completion date at the mean rate plus and minus 1.96
standard errors (about 95 % if days vary independently). A lower bound at or below zero means
"no end in sight" at the slow edge.
"""

import datetime as dt
import math
from dataclasses import dataclass

Z95 = 1.96


@dataclass(frozen=True)
class Forecast:
    remaining: int
    rate: float  # recordings per day, mean over the window
    rate_sd: float  # sample standard deviation of the daily counts
    rate_low: float
    rate_high: float
    days: float | None  # to completion at the mean rate; None: never at this rate
    completion: dt.date | None
    earliest: dt.date | None  # at rate_high
    latest: dt.date | None  # at rate_low; None: not bounded
    deadline: dt.date | None
    on_track: bool | None  # completion on or before the deadline; None without a deadline


def forecast(remaining: int, daily_counts: list[int], *, today: dt.date, deadline: dt.date | None = None) -> Forecast:
    n = len(daily_counts)
    mean = sum(daily_counts) / n if n else 0.0
    sd = math.sqrt(sum((x - mean) ** 2 for x in daily_counts) / (n - 1)) if n > 1 else 0.0
    half = Z95 * sd / math.sqrt(n) if n else 0.0
    low, high = max(mean - half, 0.0), mean + half

    def finish(rate: float) -> dt.date | None:
        if remaining <= 0:
            return today
        return today + dt.timedelta(days=math.ceil(remaining / rate)) if rate > 0 else None

    completion = finish(mean)
    days = 0.0 if remaining <= 0 else (remaining / mean if mean > 0 else None)
    on_track = None if deadline is None else (completion is not None and completion <= deadline)
    return Forecast(
        remaining=max(remaining, 0), rate=mean, rate_sd=sd, rate_low=low, rate_high=high, days=days,
        completion=completion, earliest=finish(high), latest=finish(low), deadline=deadline, on_track=on_track,
    )
