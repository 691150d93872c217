"""The walk-in queue: numbering, call order, recall, skip, no-show, and refusals."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from adminduk.audit.models import AuditEntry
from adminduk.queueing import actions
from adminduk.queueing.choices import Priority, Service, TicketStatus
from adminduk.queueing.models import Ticket

pytestmark = pytest.mark.django_db


def test_numbers_run_per_service_and_day(office, operator):
    a1 = actions.issue_ticket(office, Service.PEREKAMAN, actor=operator)
    a2 = actions.issue_ticket(office, Service.PEREKAMAN, actor=operator)
    b1 = actions.issue_ticket(office, Service.PENGAMBILAN, actor=operator)
    assert (a1.label, a2.label, b1.label) == ("A001", "A002", "B001")
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert actions.issue_ticket(office, Service.PEREKAMAN, now=tomorrow).label == "A001"
    assert AuditEntry.objects.filter(action="create", object_type="queue_ticket", object_id=str(a1.pk), details__change="issued").exists()


def test_the_database_refuses_a_duplicate_number(office):
    ticket = actions.issue_ticket(office, Service.PEREKAMAN)
    with pytest.raises(IntegrityError):
        Ticket.objects.create(
            office=office, service=ticket.service, day=ticket.day, number=ticket.number, issued_at=ticket.issued_at, queued_at=ticket.queued_at
        )


def test_priority_groups_are_called_first_then_in_order(office, counters, operator):
    t0 = timezone.now()
    general = actions.issue_ticket(office, Service.PEREKAMAN, now=t0)
    lansia = actions.issue_ticket(office, Service.PEREKAMAN, Priority.LANSIA, now=t0 + dt.timedelta(minutes=1))
    hamil = actions.issue_ticket(office, Service.PEREKAMAN, Priority.IBU_HAMIL, now=t0 + dt.timedelta(minutes=2))
    booked = actions.issue_ticket(office, Service.PEREKAMAN, Priority.BOOKING, now=t0 + dt.timedelta(minutes=3))
    loket = counters["loket2"]
    order = [actions.call_next(loket, actor=operator, now=t0 + dt.timedelta(minutes=5 + n)).pk for n in range(4)]
    assert order == [booked.pk, lansia.pk, hamil.pk, general.pk]
    # Calling next finished the previous one as served.
    assert Ticket.objects.get(pk=booked.pk).status == TicketStatus.SERVED


def test_a_counter_calls_only_its_services(office, counters):
    actions.issue_ticket(office, Service.KK_AKTA)
    with pytest.raises(actions.QueueError) as refused:
        actions.call_next(counters["loket2"])
    assert refused.value.code == "empty"
    assert actions.call_next(counters["loket3"]).service == Service.KK_AKTA


def test_calling_with_an_empty_queue_is_refused_and_changes_nothing(office, counters):
    with pytest.raises(actions.QueueError, match="No one is waiting"):
        actions.call_next(counters["loket1"])
    assert not Ticket.objects.exists()


def test_two_counters_never_get_the_same_ticket(office, counters):
    first = actions.issue_ticket(office, Service.PEREKAMAN)
    second = actions.issue_ticket(office, Service.PEREKAMAN)
    got = {actions.call_next(counters["loket1"]).pk, actions.call_next(counters["loket2"]).pk}
    assert got == {first.pk, second.pk}


def test_recall_counts_calls_and_keeps_the_wait(office, counters):
    ticket = actions.issue_ticket(office, Service.PEREKAMAN)
    called = actions.call_next(counters["loket1"])
    recalled = actions.recall(counters["loket1"])
    assert recalled.pk == ticket.pk and recalled.call_count == 2
    assert recalled.first_called_at == called.first_called_at


def test_recall_and_skip_without_a_called_ticket_are_refused(office, counters):
    for action in (actions.recall, actions.skip, actions.finish):
        with pytest.raises(actions.QueueError, match="has no ticket called"):
            action(counters["loket1"])


def test_skip_puts_the_ticket_back_behind_those_waiting(office, counters):
    t0 = timezone.now()
    first = actions.issue_ticket(office, Service.PEREKAMAN, now=t0)
    second = actions.issue_ticket(office, Service.PEREKAMAN, now=t0 + dt.timedelta(seconds=1))
    actions.call_next(counters["loket1"], now=t0 + dt.timedelta(minutes=1))
    skipped = actions.skip(counters["loket1"], now=t0 + dt.timedelta(minutes=2))
    assert skipped.pk == first.pk and skipped.status == TicketStatus.WAITING and skipped.counter is None
    assert actions.call_next(counters["loket1"], now=t0 + dt.timedelta(minutes=3)).pk == second.pk
    assert actions.call_next(counters["loket1"], now=t0 + dt.timedelta(minutes=4)).pk == first.pk


def test_no_show_closes_the_ticket_and_a_second_no_show_is_refused(office, counters):
    ticket = actions.issue_ticket(office, Service.PEREKAMAN)
    actions.call_next(counters["loket1"])
    actions.mark_no_show(ticket, counter=counters["loket1"])
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.NO_SHOW
    with pytest.raises(actions.QueueError, match="already marked") as refused:
        actions.mark_no_show(ticket, counter=counters["loket1"])
    assert refused.value.code == "no_show_twice"


def test_no_show_of_a_ticket_never_called_is_refused(office, counters):
    ticket = actions.issue_ticket(office, Service.PEREKAMAN)
    with pytest.raises(actions.QueueError, match="not been called"):
        actions.mark_no_show(ticket, counter=counters["loket1"])
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.WAITING


def test_a_skipped_ticket_can_be_marked_no_show(office, counters):
    ticket = actions.issue_ticket(office, Service.PEREKAMAN)
    actions.call_next(counters["loket1"])
    actions.skip(counters["loket1"])
    assert actions.mark_no_show(ticket, counter=counters["loket2"]).status == TicketStatus.NO_SHOW


def test_unknown_service_or_priority_is_refused(office):
    with pytest.raises(actions.QueueError, match="Unknown service"):
        actions.issue_ticket(office, "paspor")
    with pytest.raises(actions.QueueError, match="Unknown priority"):
        actions.issue_ticket(office, Service.PEREKAMAN, "vip")
    assert not Ticket.objects.exists()


def test_a_closed_counter_calls_nothing(office, counters):
    counter = counters["loket1"]
    type(counter).objects.filter(pk=counter.pk).update(is_active=False)
    actions.issue_ticket(office, Service.PEREKAMAN)
    with pytest.raises(actions.QueueError, match="closed"):
        actions.call_next(counter)


def test_counter_names_and_services_are_checked(office, counters):
    with pytest.raises(actions.QueueError, match="already has a counter"):
        actions.add_counter(office, "Loket 1", [Service.PEREKAMAN])
    with pytest.raises(actions.QueueError, match="at least one service"):
        actions.add_counter(office, "Loket 9", [])
    with pytest.raises(actions.QueueError, match="Unknown service"):
        actions.add_counter(office, "Loket 9", ["paspor"])
