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
