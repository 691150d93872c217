"""Booked residents at the office: check-in gives a ticket with booking priority from the
booking's time (a resident who comes early waits for it; one who comes after the slot ended
queues as a walk-in), and the ticket's end closes the booking as attended or no-show."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.appointments import actions as booking_actions
from adminduk.appointments import rules as booking_rules
from adminduk.appointments.choices import BookingStatus
from adminduk.appointments.models import Booking

from .actions import QueueError, issue_ticket
from .choices import Priority, Service
from .models import Ticket


def booking_for_today(office, nik: str, now=None) -> Booking:
    """The resident's booking at `office` for today that is still to be checked in."""
    try:
        resident = booking_rules.resident_for_nik(nik)
    except booking_rules.BookingRefused as refused:
        raise QueueError(refused.text, code=refused.code) from refused
    today = timezone.localdate(now or timezone.now())
    bookings = Booking.objects.select_related("slot", "office").filter(resident=resident, office=office, slot__date=today)
    booking = bookings.filter(status=BookingStatus.BOOKED).first()
    if booking is not None:
        return booking
    if bookings.filter(status=BookingStatus.CHECKED_IN).exists():
        raise QueueError(_("NIK %(nik)s is already checked in today.") % {"nik": resident.nik}, code="checked_in")
    raise QueueError(_("NIK %(nik)s has no booking at %(office)s today.") % {"nik": resident.nik, "office": office}, code="no_booking")


@transaction.atomic
def check_in(office, nik: str, *, actor=None, request=None, now=None) -> Ticket:
    now = now or timezone.now()
    booking = booking_for_today(office, nik, now)
    try:
        booking_actions.check_in(booking, actor=actor, request=request)
    except booking_rules.BookingRefused as refused:
        raise QueueError(refused.text, code=refused.code) from refused
    late = now >= booking.slot.ends_at
    return issue_ticket(
        office,
        Service.PEREKAMAN,
        Priority.UMUM if late else Priority.BOOKING,
        actor=actor,
        request=request,
        booking_id=booking.pk,
        nik=booking.nik,
        now=now,
        queued_at=None if late else booking.slot.starts_at,
    )
