"""Huey tasks of appointments: booking confirmations, and the reminder the day before (the
nodes' booking events are applied by appointments.inbox)."""

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .reminders import send_reminders


@db_periodic_task(crontab(hour="*", minute="5"))
def remind_tomorrows_bookings() -> int:
    """Hourly, so a node that was off at the usual time still sends; each booking once."""
    return send_reminders().sent


@db_task(retries=2, retry_delay=60)
def send_confirmation(booking_id: str, rescheduled: bool = False) -> bool:
    from .notify import send_confirmation_now

    return send_confirmation_now(booking_id, rescheduled) is not None


def confirm_on_commit(booking, *, rescheduled: bool = False) -> None:
    """After the commit, the confirmation goes to the task queue: a slow SMS gateway never holds
    up the booking's answer (the queue runs it at once in tests)."""
    transaction.on_commit(lambda: send_confirmation(str(booking.pk), rescheduled), robust=True)
