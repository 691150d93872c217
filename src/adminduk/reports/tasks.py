"""The summary tables' jobs on the task worker: a refresh every minute, a full rebuild nightly.
Central only (the dashboards are served by the central)."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def refresh_summaries():
    if settings.ROLE == "central":
        from .summary import refresh

        refresh()


@db_periodic_task(crontab(hour="1", minute="7"))
def rebuild_summaries():
    if settings.ROLE == "central":
        from .summary import rebuild

        rebuild()
