"""Huey tasks of appointments: booking confirmations, and the reminder the day before."""

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
