"""Which office's queue a user works on: deny by default, like every other list."""

from django.db.models import Q
from django.http import Http404

from adminduk.accounts.scoping import scope_of
from adminduk.offices.models import Office


def offices_for(user):
    """Active offices in the user's jurisdiction: their kecamatan offices, or every office of
    the kab/kota for Dinas staff."""
    scope = scope_of(user)
    if scope.is_empty:
        return Office.objects.none()
    offices = Office.objects.filter(is_active=True).select_related("kecamatan")
    return offices.filter(scope.q("kecamatan") | _regency_q(scope)).order_by("kind", "name")


def _regency_q(scope):
    return Q(regency_id__in=sorted(scope.regency_codes)) if scope.regency_codes else Q(pk__in=[])


def office_for(request, code: str | None = None) -> Office:
    """The office named by `code` (or ?office=), which must be in the user's jurisdiction; by
    default the user's own kecamatan office, else the first one they may see."""
    code = code or request.GET.get("office") or request.POST.get("office")
    offices = offices_for(request.user)
    if code:
        office = offices.filter(code=code).first()
        if office is None:
            raise Http404("no such office in your jurisdiction")
        return office
    office = offices.filter(assignments__user=request.user, kind=Office.Kind.KECAMATAN).first() or offices.filter(
        kind=Office.Kind.KECAMATAN
    ).first() or offices.first()
    if office is None:
        raise Http404("no office in your jurisdiction")
    return office
