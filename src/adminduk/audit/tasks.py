"""Huey tasks of the audit log: linking entries left unlinked, every minute, and the daily
verification of its hash chain. The result is kept
(AuditCheck) and the home page of admins and supervisors shows an alert when it failed.

A consumer that starts after the last check went stale (a fresh installation, a node that was
off overnight) checks at once instead of waiting for the night."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from .actions import check_chain
from .models import AuditCheck
from .queries import CHECK_STALE_AFTER


@db_periodic_task(crontab(minute="*"))
def link_chain() -> int:
    """Entries a quiet process left unlinked (see chain.link_after_commit)."""
    from .chain import link_pending

    return link_pending()


@db_periodic_task(crontab(hour="2", minute="17"))
def verify_chain_daily() -> bool:
    return check_chain().ok


@db_task()
def verify_chain_if_stale() -> bool | None:
    last = AuditCheck.objects.order_by("-checked_at", "-id").values_list("checked_at", flat=True).first()
    if last is not None and timezone.now() - last <= CHECK_STALE_AFTER:
        return None
    return check_chain().ok


@on_startup("audit_chain_check_on_start")
def check_on_start() -> None:
    verify_chain_if_stale()
