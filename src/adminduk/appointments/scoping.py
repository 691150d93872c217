"""Which offices' slots and bookings a staff member may see and book (deny by default): the
offices inside their jurisdiction, and the residents their jurisdiction covers."""

from django.db.models import Q, QuerySet

from adminduk.accounts.permissions import Permission
from adminduk.accounts.scoping import authorize, residents_for, scope_of
from adminduk.offices.models import Office


def offices_for(user) -> QuerySet:
    if not authorize(user, Permission.BOOK):
        return Office.objects.none()
    scope = scope_of(user)
    condition = Q(pk__in=[])
    if scope.regency_codes:
        condition |= Q(regency_id__in=sorted(scope.regency_codes))
    if scope.kecamatan_codes:
        condition |= Q(kecamatan_id__in=sorted(scope.kecamatan_codes))
    return Office.objects.filter(condition, is_active=True)


def bookable_resident(user, nik: str):
    """The resident with `nik` if `user` may book for them, else None (unknown or elsewhere)."""
    return residents_for(user, Permission.BOOK).select_related("kelurahan").filter(nik=nik).first()
