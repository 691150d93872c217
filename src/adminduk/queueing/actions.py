"""Every write of the office queue: one function per change, each audited.

Ticket numbers come from one TicketSequence row per office, service and day, incremented with an
UPDATE inside the issuing transaction (a row lock on PostgreSQL, the single write lock on SQLite),
and the unique constraint on (office, service, day, number) refuses any duplicate whatever
happens. A waiting ticket moves to a counter with a conditional UPDATE (`status = waiting`), so
two counters calling at once never get the same ticket; a partial unique constraint keeps one
called ticket per counter.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record

from .choices import PRIORITY_RANK, Priority, Service, TicketStatus
from .models import Counter, Ticket, TicketSequence


class QueueError(ValidationError):
    """A queue action refused, with the reason in the user's language."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message, code=code)
        self.text = message

    def __str__(self):
        return self.text


def _audit(request, change, obj, *, actor, office, details=None, object_type="queue_ticket"):
    """One audit entry with the log's own actions: create for a new ticket or counter, update
    with the change (called, recalled, skipped, served, no_show) for the rest."""
    record(
        request,
        "create" if change in ("issued", "counter_added") else "update",
        object_type=object_type,
        object_id=str(obj.pk),
        kecamatan_code=office.kecamatan_id or "",
        actor=actor,
        details={"change": change, **(details or {})},
    )


def check_service(service: str) -> Service:
    if service not in Service.values:
        raise QueueError(_("Unknown service %(value)s.") % {"value": service}, code="service")
    return Service(service)


def check_priority(priority: str) -> Priority:
    if priority not in Priority.values:
        raise QueueError(_("Unknown priority group %(value)s.") % {"value": priority}, code="priority")
    return Priority(priority)


def _next_number(office, service: str, day: dt.date) -> int:
    if not TicketSequence.objects.filter(office=office, service=service, day=day).exists():
        try:
            with transaction.atomic():
                TicketSequence.objects.create(office=office, service=service, day=day)
        except IntegrityError:
            pass  # another process created it first
    TicketSequence.objects.filter(office=office, service=service, day=day).update(last_number=F("last_number") + 1)
    return TicketSequence.objects.get(office=office, service=service, day=day).last_number


@transaction.atomic
def issue_ticket(
    office, service: str, priority: str = Priority.UMUM, *, actor=None, request=None, booking_id=None, nik: str = "", now=None,
    queued_at=None,
) -> Ticket:
    """A new ticket for `service` at `office`, numbered after the day's last one. A ticket
    whose `queued_at` lies ahead (a booked resident who came early) is called from then on."""
    service = check_service(service)
    priority = check_priority(priority)
    if not office.is_active:
        raise QueueError(_("%(office)s is not in service.") % {"office": office}, code="office")
    now = now or timezone.now()
    day = timezone.localdate(now)
    ticket = Ticket.objects.create(
        office=office,
        service=service,
        day=day,
        number=_next_number(office, service, day),
        priority=priority,
        rank=PRIORITY_RANK[priority],
        issued_at=now,
        queued_at=max(now, queued_at) if queued_at else now,
        booking_id=booking_id,
        nik=nik,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    _audit(request, "issued", ticket, actor=actor, office=office, details={"ticket": ticket.label, "priority": priority})
    return ticket


def current_ticket(counter: Counter) -> Ticket | None:
    return Ticket.objects.filter(counter=counter, status=TicketStatus.CALLED).first()


def _locked_counter(counter: Counter) -> Counter:
    locked = Counter.objects.select_for_update().select_related("office").get(pk=counter.pk)
    if not locked.is_active:
        raise QueueError(_("Counter %(counter)s is closed.") % {"counter": locked.name}, code="counter")
    return locked


def _finish(ticket: Ticket, status: str, now, *, actor=None, request=None) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(status=status, finished_at=now)
    ticket.status, ticket.finished_at = status, now
    if ticket.booking_id:
        _close_booking(ticket, actor=actor, request=request)


def _close_booking(ticket: Ticket, *, actor=None, request=None) -> None:
    """The booking behind a finished ticket (adminduk.appointments): attended when served,
    no-show otherwise."""
    from adminduk.appointments import actions as booking_actions
    from adminduk.appointments.choices import BookingStatus
    from adminduk.appointments.models import Booking

    booking = Booking.objects.filter(pk=ticket.booking_id, status=BookingStatus.CHECKED_IN).first()
    if booking is not None:
        status = BookingStatus.ATTENDED if ticket.status == TicketStatus.SERVED else BookingStatus.NO_SHOW
        booking_actions.close(booking, status, actor=actor, request=request)


def waiting_tickets(office, services, day: dt.date, now=None):
    """Tickets waiting to be called, in call order; with `now`, only those whose time has come."""
    waiting = Ticket.objects.filter(office=office, day=day, status=TicketStatus.WAITING, service__in=list(services))
    if now is not None:
        waiting = waiting.filter(queued_at__lte=now)
    return waiting.order_by("rank", "queued_at", "number")


def call_next(counter: Counter, *, actor=None, request=None, now=None) -> Ticket:
    """Finish the counter's current ticket as served and call the next waiting one: booked
    residents at their time first, then lansia, penyandang disabilitas and ibu hamil, then the
    rest, each in the order they queued. With nobody waiting it is refused and changes nothing."""
    now = now or timezone.now()
    # A plain read first: an empty queue is refused without taking a write lock (SQLite has one).
    if not waiting_tickets(counter.office, counter.services, timezone.localdate(now), now).exists():
        raise _empty(counter)
    return _call_next(counter, actor=actor, request=request, now=now)


def _empty(counter: Counter) -> QueueError:
    return QueueError(_("No one is waiting for %(counter)s.") % {"counter": counter.name}, code="empty")


@transaction.atomic
def _call_next(counter: Counter, *, actor, request, now) -> Ticket:
    counter = _locked_counter(counter)
    day = timezone.localdate(now)
    current = current_ticket(counter)
    if current is not None:
        _finish(current, TicketStatus.SERVED, now, actor=actor, request=request)
        _audit(request, "served", current, actor=actor, office=counter.office, details={"ticket": current.label, "counter": counter.name})
    candidates = waiting_tickets(counter.office, counter.services, day, now)
    for _attempt in range(20):
        ticket = candidates.select_for_update(skip_locked=True).first()
        if ticket is None:
            break
        updated = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(
            status=TicketStatus.CALLED,
            counter=counter,
            first_called_at=ticket.first_called_at or now,
            last_called_at=now,
            call_count=F("call_count") + 1,
        )
        if updated:
            ticket.refresh_from_db()
            _audit(request, "called", ticket, actor=actor, office=counter.office, details={"ticket": ticket.label, "counter": counter.name})
            return ticket
    raise _empty(counter)


def _current_or_refuse(counter: Counter) -> Ticket:
    ticket = current_ticket(counter)
    if ticket is None:
        raise QueueError(_("%(counter)s has no ticket called.") % {"counter": counter.name}, code="none_called")
    return ticket


@transaction.atomic
def recall(counter: Counter, *, actor=None, request=None, now=None) -> Ticket:
    """Call the counter's current ticket again (the display announces it once more)."""
    counter = _locked_counter(counter)
    ticket = _current_or_refuse(counter)
    now = now or timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(last_called_at=now, call_count=F("call_count") + 1)
    ticket.refresh_from_db()
    _audit(request, "recalled", ticket, actor=actor, office=counter.office, details={"ticket": ticket.label, "counter": counter.name})
    return ticket


@transaction.atomic
def finish(counter: Counter, *, actor=None, request=None, now=None) -> Ticket:
    """The resident at the counter has been served."""
    counter = _locked_counter(counter)
    ticket = _current_or_refuse(counter)
    _finish(ticket, TicketStatus.SERVED, now or timezone.now(), actor=actor, request=request)
    _audit(request, "served", ticket, actor=actor, office=counter.office, details={"ticket": ticket.label, "counter": counter.name})
    return ticket


@transaction.atomic
def skip(counter: Counter, *, actor=None, request=None, now=None) -> Ticket:
    """The called resident is not at the counter yet: the ticket goes back into the queue
    behind those of its group waiting now, and may be called again or marked as not come."""
    counter = _locked_counter(counter)
    ticket = _current_or_refuse(counter)
    now = now or timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.WAITING, counter=None, queued_at=now)
    ticket.refresh_from_db()
    _audit(request, "skipped", ticket, actor=actor, office=counter.office, details={"ticket": ticket.label, "counter": counter.name})
    return ticket


@transaction.atomic
def mark_no_show(ticket: Ticket, *, counter: Counter, actor=None, request=None, now=None) -> Ticket:
    """The resident did not come: the ticket called at this counter (or skipped after a call)
    is closed as a no-show."""
    counter = _locked_counter(counter)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.office_id != counter.office_id:
        raise QueueError(_("Ticket %(ticket)s is not in this office's queue.") % {"ticket": ticket.label}, code="office")
    if ticket.status == TicketStatus.NO_SHOW:
        raise QueueError(_("Ticket %(ticket)s is already marked as not come.") % {"ticket": ticket.label}, code="no_show_twice")
    if ticket.status == TicketStatus.SERVED:
        raise QueueError(_("Ticket %(ticket)s was already served.") % {"ticket": ticket.label}, code="served")
    called_here = ticket.status == TicketStatus.CALLED and ticket.counter_id == counter.pk
    skipped = ticket.status == TicketStatus.WAITING and ticket.call_count > 0
    if not (called_here or skipped):
        raise QueueError(_("Ticket %(ticket)s has not been called yet.") % {"ticket": ticket.label}, code="not_called")
    _finish(ticket, TicketStatus.NO_SHOW, now or timezone.now(), actor=actor, request=request)
    _audit(request, "no_show", ticket, actor=actor, office=counter.office, details={"ticket": ticket.label, "counter": counter.name})
    return ticket


@transaction.atomic
def add_counter(office, name: str, services, *, actor=None, request=None) -> Counter:
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise QueueError(_("A counter needs a name of at most 40 characters."), code="name")
    services = list(dict.fromkeys(services))
    if not services:
        raise QueueError(_("Choose at least one service for the counter."), code="services")
    for service in services:
        check_service(service)
    if Counter.objects.filter(office=office, name=name).exists():
        raise QueueError(_("%(office)s already has a counter named %(name)s.") % {"office": office, "name": name}, code="duplicate")
    counter = Counter.objects.create(office=office, name=name, services=services)
    _audit(request, "counter_added", counter, actor=actor, office=office, object_type="counter", details={"name": name, "services": services})
    return counter
