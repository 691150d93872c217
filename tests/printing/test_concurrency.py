"""On PostgreSQL: two print workers at once never print one request twice and never drive the
blangko stock below zero (row locks with SKIP LOCKED, the stock row lock, the constraints)."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from adminduk.printing.actions import jobs, stock
from adminduk.printing.choices import JobStatus, MovementKind
from adminduk.printing.errors import PrintingError
from adminduk.printing.models import BlangkoMovement, Card, PrintJob
from adminduk.printing.printers import SimulatedCardPrinter

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="row locks across connections need PostgreSQL"),
]


def run_together(*targets):
    barrier = threading.Barrier(len(targets))
    errors = []

    def wrap(target):
        try:
            barrier.wait()
            target()
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def test_two_print_workers_share_the_queue_and_the_last_blanks(print_ready, dinas):
    requests = [print_ready() for _ in range(8)]
    stock.receive(dinas, 5, batch_number="B-LAST-FIVE")
    printer = SimulatedCardPrinter(failure_rate=0)
    printed = []

    def worker():
        try:
            batch = jobs.start_batch(dinas, limit=8)
        except PrintingError:
            return  # the other worker took every job
        printed.extend(jobs.print_batch(batch, printer=printer)["printed"])

    assert run_together(worker, worker) == []
    assert stock.on_hand(dinas) == 0
    assert Card.objects.count() == 5 == len(printed)
    assert Card.objects.values("request").distinct().count() == 5  # never one request twice
    assert BlangkoMovement.objects.filter(kind=MovementKind.CONSUMPTION).count() == 5
    assert PrintJob.objects.filter(status=JobStatus.QUEUED).count() == 3  # the rest waits for blangko
    assert {j.request_id for j in PrintJob.objects.filter(status=JobStatus.PRINTED)} <= {r.pk for r in requests}


def test_two_workers_taking_the_last_blank_at_once(dinas):
    stock.receive(dinas, 1, batch_number="B-ONE")
    outcomes = []

    def take():
        try:
            stock.spoil_blanks(dinas, "damage", 1)
            outcomes.append("ok")
        except PrintingError:
            outcomes.append("refused")

    assert run_together(take, take) == []
    assert sorted(outcomes) == ["ok", "refused"] and stock.on_hand(dinas) == 0
