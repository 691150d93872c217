"""Jurisdiction: which residents (and records about them) a user may see.

The one helper every list, search, detail, API and export goes through. A user assigned to the
Dinas office sees the whole kab/kota; a user assigned to kecamatan offices sees the residents
living in those kecamatan; anyone else sees nothing (deny by default).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from adminduk.core.compiled import CompiledQuery
from adminduk.offices.models import Office

from .permissions import CERTIFIED_PERMISSIONS, STAFF_ROLES, Permission, role_has


@dataclass(frozen=True)
class Scope:
    regency_codes: frozenset[str] = frozenset()  # whole kab/kota (Dinas assignment)
    kecamatan_codes: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.regency_codes and not self.kecamatan_codes

    @property
    def is_kota_wide(self) -> bool:
        return bool(self.regency_codes)

    def covers(self, kecamatan_code: str) -> bool:
        return kecamatan_code[:5] in self.regency_codes or kecamatan_code in self.kecamatan_codes

    @property
    def area_codes(self) -> list[str]:
        """The kab/kota and kecamatan codes covered, e.g. for population.search's index keys."""
        return sorted(self.regency_codes | self.kecamatan_codes)

    def q(self, kecamatan_field: str) -> Q:
        """A filter on a field holding a kecamatan code (e.g. "kelurahan__kecamatan")."""
        if self.is_empty:
            return Q(pk__in=[])
        condition = Q()
        if self.regency_codes:
            condition |= Q(**{f"{kecamatan_field}__regency__in": sorted(self.regency_codes)})
        if self.kecamatan_codes:
            condition |= Q(**{f"{kecamatan_field}__in": sorted(self.kecamatan_codes)})
        return condition

    def q_code(self, code_field: str) -> Q:
        """A filter on a text field holding a dotted kecamatan code (e.g. the audit log)."""
        if self.is_empty:
            return Q(pk__in=[])
        condition = Q()
        for regency in sorted(self.regency_codes):
            condition |= Q(**{f"{code_field}__startswith": regency + "."})
        if self.kecamatan_codes:
            condition |= Q(**{f"{code_field}__in": sorted(self.kecamatan_codes)})
        return condition


EMPTY = Scope()

# A user's active offices, first assignment first: on every request (compiled once).
_OFFICES = CompiledQuery(
    Office,
    lambda user_id: Office.objects.filter(assignments__user_id=user_id)
    .filter(is_active=True)
    .order_by("assignments__assigned_at")
    .values_list("pk", "kind", "regency_id", "kecamatan_id"),
    [Office._meta.get_field("assignments").field.model._meta.get_field("user")],
    ["int"],
)


def scope_of(user) -> Scope:
    """Cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.role not in STAFF_ROLES:
        return EMPTY
    cached = getattr(user, "_adminduk_scope", None)
    if cached is not None:
        return cached
    offices = _OFFICES.rows(user.pk)
    # The first assignment is the office the audit log names; one query serves both.
    user._adminduk_primary_office_id = offices[0][0] if offices else None
    regencies, kecamatan = set(), set()
    for _pk, kind, regency_code, kecamatan_code in offices:
        if kind == Office.Kind.DINAS:
            regencies.add(regency_code)
        else:
            kecamatan.add(kecamatan_code)
    scope = Scope(frozenset(regencies), frozenset(kecamatan))
    user._adminduk_scope = scope
    return scope


def primary_office_id(user):
    """The office an action of `user` is attributed to (their first assignment), or None."""
    if not getattr(user, "pk", None) or user.role not in STAFF_ROLES or not user.is_active:
        return None
    if not hasattr(user, "_adminduk_primary_office_id"):
        scope_of(user)
    return getattr(user, "_adminduk_primary_office_id", None)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self):
        return self.allowed


def authorize(user, permission: Permission, *, kecamatan_code: str | None = None, on: dt.date | None = None) -> Decision:
    """May `user` do `permission` (on a record of `kecamatan_code`)? Deny unless every check passes."""
    from .certification import current_certification

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Decision(False, "not logged in")
    if not role_has(user.role, permission):
        return Decision(False, f"role {user.role} may not {permission}")
    scope = scope_of(user)
    if scope.is_empty:
        return Decision(False, "not assigned to any office")
    if kecamatan_code is not None and not scope.covers(kecamatan_code):
        return Decision(False, f"kecamatan {kecamatan_code} is outside the user's jurisdiction")
    kind = CERTIFIED_PERMISSIONS.get(permission)
    if kind and current_certification(user, kind, on or timezone.localdate()) is None:
        return Decision(False, f"no current {kind} certification")
    return Decision(True)


def residents_for(user, permission: Permission = Permission.VIEW_RESIDENT) -> QuerySet:
    """Residents `user` may see for `permission`; empty when the role lacks it."""
    from adminduk.population.models import Resident

    if not authorize(user, permission):
        return Resident.objects.none()
    return Resident.objects.filter(scope_of(user).q("kelurahan__kecamatan"))


def families_for(user) -> QuerySet:
    from adminduk.population.models import Family

    if not authorize(user, Permission.VIEW_RESIDENT):
        return Family.objects.none()
    return Family.objects.filter(scope_of(user).q("kelurahan__kecamatan"))
