"""The demo's counters: two recording counters and one for pickups, KK and akta."""

from .choices import Service
from .models import Counter

DEMO_COUNTERS = (
    ("Loket 1", [Service.PEREKAMAN, Service.PENGAMBILAN]),
    ("Loket 2", [Service.PEREKAMAN]),
    ("Loket 3", [Service.PENGAMBILAN, Service.KK_AKTA]),
)


def ensure_demo_counters(office) -> list[Counter]:
    from . import actions

    counters = []
    for name, services in DEMO_COUNTERS:
        counter = Counter.objects.filter(office=office, name=name).first()
        counters.append(counter or actions.add_counter(office, name, [s.value for s in services]))
    return counters


def seed_past_days(office, *, days: int = 10, per_day: int = 70, seed: int = 2026) -> int:
    """A synthetic history of recording tickets on the office's last `days` weekdays (never
    today, and never a day that already has tickets), so the planner's queue simulation has
    real-looking records to start from: walk-ins through the opening hours, served first come
    first served at the office's recording counters, 4-9 minutes each. Returns the tickets made."""
    import datetime as dt
    import random

    from django.utils import timezone

    from .choices import TicketStatus
    from .models import Ticket

    rng = random.Random(seed)
    tz = office.local_timezone()
    counters = list(Counter.objects.filter(office=office, is_active=True).order_by("name"))
    recording = [c for c in counters if Service.PEREKAMAN in c.services]
    if not recording:
        return 0
    made = []
    day = timezone.localdate() - dt.timedelta(days=1)
    seeded_days = 0
    while seeded_days < days:
        if day.weekday() < 5 and not Ticket.objects.filter(office=office, day=day).exists():
            opening = dt.datetime.combine(day, dt.time(8), tzinfo=tz)
            arrivals = sorted(opening + dt.timedelta(minutes=rng.uniform(-20, 470)) for _ in range(per_day))
            free = {c.pk: opening for c in recording}
            for number, arrived in enumerate(arrivals, start=1):
                counter = min(free, key=free.get)
                called = max(arrived, free[counter], opening)
                finished = called + dt.timedelta(minutes=rng.uniform(4, 9))
                free[counter] = finished
                made.append(
                    Ticket(
                        office=office, service=Service.PEREKAMAN, day=day, number=number, status=TicketStatus.SERVED,
                        counter_id=counter, issued_at=arrived, queued_at=arrived, first_called_at=called,
                        last_called_at=called, finished_at=finished, call_count=1,
                    )
                )
            seeded_days += 1
        day -= dt.timedelta(days=1)
    Ticket.objects.bulk_create(made)
    return len(made)
