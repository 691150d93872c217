"""Huey tasks of the audit log: the daily verification of its hash chain. The result is kept
(AuditCheck) and the home page of admins and supervisors shows an alert when it failed."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .actions import check_chain


@db_periodic_task(crontab(hour="2", minute="17"))
def verify_chain_daily() -> bool:
    return check_chain().ok
