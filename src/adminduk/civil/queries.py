"""Reads for the civil pages: what a user may see (deny by default: the kecamatan of the
application must be in the user's jurisdiction) and the office queue."""

from django.db.models import QuerySet
from django.utils import timezone

from adminduk.accounts import scoping
from adminduk.accounts.permissions import Permission
from adminduk.offices.models import Office

from .choices import OPEN
from .models import Application


def applications_for(user) -> QuerySet:
    if not scoping.authorize(user, Permission.VIEW_RESIDENT):
        return Application.objects.none()
    return Application.objects.filter(scoping.scope_of(user).q_code("kecamatan_code"))


def queue(user, *, status: str = "open", office: Office | None = None) -> QuerySet:
    applications = applications_for(user).select_related("office")
    if office is not None:
        applications = applications.filter(office=office)
    if status == "open":
        return applications.filter(status__in=sorted(OPEN)).order_by("due_at")
    if status:
        applications = applications.filter(status=status)
    return applications.order_by("-submitted_at")


def offices_of(user) -> QuerySet:
    return Office.objects.filter(assignments__user=user, is_active=True).order_by("kind", "name")


def office_for_kecamatan(kecamatan_code: str) -> Office | None:
    """The office that handles a kecamatan's applications: its kecamatan office, else the Dinas."""
    office = Office.objects.filter(kecamatan_id=kecamatan_code, is_active=True).first()
    return office or Office.objects.filter(regency_id=kecamatan_code[:5], kind=Office.Kind.DINAS, is_active=True).first()


def overdue_count(applications) -> int:
    return sum(1 for a in applications if a.is_overdue(timezone.now()))
