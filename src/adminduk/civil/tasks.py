"""Huey tasks of the civil app. Counter applications from the nodes are applied by sync.tasks
(one task for every kind of node event); what stays here is civil's own housekeeping."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="3", minute="41"))
def purge_expired_documents() -> int:
    """Uploaded documents of applications decided longer ago than the retention period."""
    from .retention import purge_documents

    return purge_documents().deleted
