"""Statistics of one office's queue on one day: served, no-shows, mean and 90th-percentile
wait (ticket to first call), per service and per counter."""

import datetime as dt
import math
from dataclasses import dataclass

from .choices import Service, TicketStatus
from .models import Counter, Ticket


@dataclass(frozen=True)
class Figures:
    label: str
    issued: int
    served: int
    no_shows: int
    waiting: int
    mean_wait_seconds: float | None
    p90_wait_seconds: float | None

    @property
    def mean_wait_minutes(self) -> float | None:
        return None if self.mean_wait_seconds is None else self.mean_wait_seconds / 60

    @property
    def p90_wait_minutes(self) -> float | None:
        return None if self.p90_wait_seconds is None else self.p90_wait_seconds / 60


@dataclass(frozen=True)
class DailyStats:
    day: dt.date
    total: Figures
    by_service: tuple[Figures, ...]
    by_counter: tuple[Figures, ...]


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `share` of them at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures(label: str, tickets: list[Ticket]) -> Figures:
    waits = [t.wait_seconds for t in tickets if t.wait_seconds is not None]
    return Figures(
        label=label,
        issued=len(tickets),
        served=sum(t.status == TicketStatus.SERVED for t in tickets),
        no_shows=sum(t.status == TicketStatus.NO_SHOW for t in tickets),
        waiting=sum(t.status == TicketStatus.WAITING for t in tickets),
        mean_wait_seconds=(sum(waits) / len(waits)) if waits else None,
        p90_wait_seconds=percentile(waits, 0.9),
    )


def daily_stats(office, day: dt.date) -> DailyStats:
    """A day at one office fits in memory (hundreds of tickets): one query, figures in Python.
    A ticket counts for the counter that called it last (skipped tickets may move)."""
    tickets = list(Ticket.objects.filter(office=office, day=day).order_by("number"))
    by_service = tuple(figures(str(s.label), [t for t in tickets if t.service == s]) for s in Service)
    counters = {c.pk: c.name for c in Counter.objects.filter(office=office)}
    by_counter = tuple(
        figures(name, [t for t in tickets if t.counter_id == pk]) for pk, name in sorted(counters.items(), key=lambda kv: kv[1])
    )
    return DailyStats(day=day, total=figures("", tickets), by_service=by_service, by_counter=by_counter)
