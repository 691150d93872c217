"""What the waiting-room display shows: the latest calls and how many wait per service. Only
ticket numbers and counter names: nothing personal reaches the screen."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from .choices import Service, TicketStatus
from .models import Ticket


@dataclass(frozen=True)
class Call:
    label: str
    counter: str
    service: str
    key: str  # changes with every call and recall: the page announces a new key


@dataclass(frozen=True)
class Board:
    current: Call | None
    previous: tuple[Call, ...]
    waiting: tuple[tuple[str, int], ...]


def board(office, *, recent: int = 6) -> Board:
    day = timezone.localdate()
    called = (
        Ticket.objects.filter(office=office, day=day, last_called_at__isnull=False, counter__isnull=False)
        .exclude(status=TicketStatus.WAITING)
        .select_related("counter")
        .order_by("-last_called_at")[: recent + 1]
    )
    calls = [
        Call(t.label, t.counter.name, str(Service(t.service).label), f"{t.pk}:{t.call_count}") for t in called
    ]
    counts = dict(
        Ticket.objects.filter(office=office, day=day, status=TicketStatus.WAITING)
        .values_list("service")
        .annotate(n=Count("id"))
        .order_by()
    )
    waiting = tuple((str(s.label), counts.get(s.value, 0)) for s in Service)
    return Board(calls[0] if calls else None, tuple(calls[1:]), waiting)
