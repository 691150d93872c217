"""Reads for the printing pages: the offices a user acts for, queues and ledgers."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from adminduk.offices.models import Office

from .actions import routing, stock
from .choices import JobStatus
from .models import BlangkoMovement, PrintJob


def offices_of(user):
    """The offices `user` works at (deny by default: none without an assignment)."""
    return Office.objects.filter(assignments__user=user, is_active=True).order_by("kind", "name").distinct()


def office_for(request, field: str = "office"):
    """The office named by ?office= (or the form), which must be one of the user's; else the first."""
    offices = list(offices_of(request.user))
    if not offices:
        raise PermissionDenied(_("You are not assigned to any office."))
    code = (request.POST.get(field) or request.GET.get(field) or "").strip()
    if not code:
        return offices[0], offices
    for office in offices:
        if office.code == code:
            return office, offices
    raise PermissionDenied(_("You do not work at that office."))


def stock_summary(office) -> dict:
    left = stock.days_left(office)
    return {
        "on_hand": stock.on_hand(office),
        "daily_use": round(stock.daily_use(office), 1),
        "days_left": None if left is None else round(left, 1),
        "low": stock.low_stock(office),
        "quota": routing.quota_of(office) if routing.has_quota(office) else None,
        "printed_today": routing.printed_today(office),
    }


def queue(office, limit: int = 200):
    return PrintJob.objects.filter(office=office, status=JobStatus.QUEUED).select_related("deliver_to").order_by("priority", "created_at", "id")[:limit]


def ledger(office, limit: int = 100):
    return BlangkoMovement.objects.filter(office=office).select_related("counterpart").order_by("-at", "-id")[:limit]
