"""Booking confirmations leave through the task queue after the commit: a slow SMS gateway never
holds up the booking's answer (the queue runs them at once in tests)."""

from django.db import transaction
from huey.contrib.djhuey import db_task

from .notify import confirmation_text, send_to_resident


def confirm_on_commit(booking, *, rescheduled: bool = False) -> None:
    transaction.on_commit(lambda: send_confirmation(str(booking.pk), rescheduled), robust=True)


@db_task(retries=2, retry_delay=60)
def send_confirmation(booking_id: str, rescheduled: bool = False) -> bool:
    from .models import Booking

    booking = Booking.objects.select_related("resident", "office", "slot__office").filter(pk=booking_id).first()
    if booking is None:
        return False
    return send_to_resident(booking, "booking_confirmed", confirmation_text(booking, rescheduled=rescheduled)) is not None
