from django.core.management.base import BaseCommand, CommandError

from adminduk.offices.models import Office
from adminduk.queueing import actions
from adminduk.queueing.choices import Service
from adminduk.queueing.models import Counter


class Command(BaseCommand):
    help = (
        "The office queue's counters: `adminduk queue counters --office CODE` lists them; "
        "`adminduk queue add-counter --office CODE --name 'Loket 1' --services perekaman,pengambilan` adds one "
        f"(services: {', '.join(Service.values)}). `--wait SECONDS` waits for the office to arrive "
        "on a node that has not pulled it yet; `demo-counters` adds the demo's three counters."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["counters", "add-counter", "demo-counters"])
        parser.add_argument("--office", required=True, help="office code, e.g. palu-mantikulore")
        parser.add_argument("--name", default="", help="counter name, e.g. 'Loket 1'")
        parser.add_argument("--services", default="", help="comma-separated services the counter calls")
        parser.add_argument("--wait", type=float, default=0, help="seconds to wait for the office to exist")

    def handle(self, *args, action, office, name, services, wait, **options):
        found = self._office(office, wait)
        if action == "counters":
            for counter in Counter.objects.filter(office=found):
                state = "" if counter.is_active else " (closed)"
                self.stdout.write(f"{counter.name}: {', '.join(counter.services)}{state}")
            return
        if action == "demo-counters":
            from adminduk.queueing.demo import ensure_demo_counters

            names = [c.name for c in ensure_demo_counters(found)]
            self.stdout.write(f"{found.code}: {', '.join(names)}.")
            return
        wanted = [s.strip() for s in services.split(",") if s.strip()]
        if Counter.objects.filter(office=found, name=name.strip()).exists() and wait:
            self.stdout.write(f"{found.code} already has {name.strip()}.")
            return
        try:
            counter = actions.add_counter(found, name, wanted)
        except actions.QueueError as refused:
            raise CommandError(refused.text) from refused
        self.stdout.write(self.style.SUCCESS(f"Added {counter.name} at {found.code}: {', '.join(counter.services)}."))

    def _office(self, code: str, wait: float) -> Office:
        import time

        deadline = time.monotonic() + max(0.0, wait)
        while True:
            found = Office.objects.filter(code=code).first()
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                raise CommandError(f"No office with code {code!r}.")
            time.sleep(2)
