"""The main menu: one entry per page the user's role and jurisdiction allow (deny by default:
an entry without a permission check is not shown)."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from adminduk.accounts import scoping
from adminduk.accounts.access import is_verified_staff
from adminduk.accounts.permissions import CERTIFIED_PERMISSIONS, Permission, role_has


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: Permission | None  # None: any verified staff member
    roles: tuple[str, ...] = ("central", "node")  # installations that have the page
    kota_wide: bool = False  # only for staff of the Dinas (the whole kab/kota)


MENU = [
    NavItem(_("Home"), "web:home", None),
    NavItem(_("Search residents"), "web:resident_search", Permission.SEARCH_RESIDENT),
    NavItem(_("Perekaman e-KTP"), "enrollment:station", Permission.RECORD),
    NavItem(_("Appointments"), "appointments:day", Permission.BOOK),
    NavItem(_("Civil registration"), "civil:queue", Permission.VIEW_RESIDENT),
    NavItem(_("Adjudication"), "processing:case_list", Permission.APPROVE),
    NavItem(_("Card printing"), "printing:queue", Permission.PRINT),
    NavItem(_("Card pickup"), "printing:pickup", Permission.PRINT),
    NavItem(_("Print quotas"), "printing:quotas", Permission.MANAGE_OFFICES, ("central",)),
    NavItem(_("Queue"), "queueing:desk", Permission.RUN_QUEUE),
    NavItem(_("RT invitations"), "queueing:invite", Permission.INVITE, ("central",)),
    NavItem(_("Planner"), "planning:planner", Permission.PLAN, ("central",), kota_wide=True),
    NavItem(_("Dashboard"), "reports:dashboard", Permission.VIEW_REPORTS, ("central",)),
    NavItem(_("Export residents"), "web:resident_export", Permission.EXPORT),
    NavItem(_("Audit log"), "audit:log", Permission.READ_AUDIT),
    NavItem(_("Data protection cases"), "privacy:cases", Permission.HANDLE_PRIVACY, ("central",)),
    NavItem(_("Withholdings"), "privacy:withholdings", Permission.WITHHOLD, ("central",)),
    NavItem(_("Offices' sync"), "sync:central_overview", Permission.READ_AUDIT, ("central",)),
    NavItem(_("Sync with the central"), "sync:node_status", None, ("node",)),
]


def menu_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not is_verified_staff(user):
        return []
    current = request.resolver_match.view_name if request.resolver_match else ""
    return [
        {"label": item.label, "url": reverse(item.url_name), "current": item.url_name == current}
        for item in MENU
        if settings.ROLE in item.roles
        and (item.permission is None or _may_open(user, item.permission))
        and (not item.kota_wide or scoping.scope_of(user).is_kota_wide)
    ]


def _may_open(user, permission: Permission) -> bool:
    # Work that needs a certificate stays in the menu for the role: its page says why it is
    # refused while the certificate is missing (and this saves a query on every page).
    if permission in CERTIFIED_PERMISSIONS:
        return role_has(user.role, permission) and not scoping.scope_of(user).is_empty
    return bool(scoping.authorize(user, permission))


def navigation(request):
    """Context processor: `menu` for base.html."""
    return {"menu": menu_for(request)}
