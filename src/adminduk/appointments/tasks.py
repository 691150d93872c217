"""Huey tasks of appointments: booking confirmations, and the reminder the day before (the
nodes' booking events are applied by sync.tasks, with every other kind of node event)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .confirmations import send_confirmation  # noqa: F401  (registers the task with the consumer)
from .reminders import send_reminders


@db_periodic_task(crontab(hour="*", minute="5"))
def remind_tomorrows_bookings() -> int:
    """Hourly, so a node that was off at the usual time still sends; each booking once."""
    return send_reminders().sent

