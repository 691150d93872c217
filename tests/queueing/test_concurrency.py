"""Concurrent connections issuing tickets and counters calling at once (each thread on its own
connection and transaction): numbers never collide and no ticket is called twice. On
PostgreSQL the row lock on the day's sequence and the conditional UPDATE do the work; on
SQLite the single write lock (transactions begin IMMEDIATE)."""

import threading
from collections import Counter as Tally

import pytest
from django.db import connection

from adminduk.queueing import actions
from adminduk.queueing.choices import Service
from adminduk.queueing.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 16


def run_at_once(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except actions.QueueError as exc:
            outcomes[index] = exc.code
        except Exception as exc:  # noqa: BLE001 - any other failure is reported by the assertion
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return outcomes


def test_concurrent_issues_get_distinct_consecutive_numbers(office):
    outcomes = run_at_once([lambda: actions.issue_ticket(office, Service.PEREKAMAN) for _ in range(WORKERS)])
    assert all(isinstance(o, Ticket) for o in outcomes), outcomes
    assert sorted(o.number for o in outcomes) == list(range(1, WORKERS + 1))
    assert Ticket.objects.count() == WORKERS


def test_concurrent_calls_never_share_a_ticket(office):
    from adminduk.queueing.models import Counter

    counters = [actions.add_counter(office, f"Loket {n}", [Service.PEREKAMAN]) for n in range(1, 9)]
    for _ in range(5):
        actions.issue_ticket(office, Service.PEREKAMAN)
    outcomes = run_at_once([lambda c=c: actions.call_next(c) for c in counters])
    called = [o for o in outcomes if isinstance(o, Ticket)]
    assert Tally(o if isinstance(o, str) else "called" for o in outcomes) == {"called": 5, "empty": 3}, outcomes
    assert len({t.pk for t in called}) == 5
    assert Ticket.objects.filter(status="called").count() == 5
    assert Ticket.objects.filter(status="called").values("counter").distinct().count() == 5
    assert Counter.objects.count() == 8
