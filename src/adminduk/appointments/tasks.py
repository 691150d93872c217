"""Huey tasks of appointments: the reminder the day before, sent every evening."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .reminders import send_reminders


@db_periodic_task(crontab(hour="*", minute="5"))
def remind_tomorrows_bookings() -> int:
    """Hourly, so a node that was off at the usual time still sends; each booking once."""
    return send_reminders().sent
