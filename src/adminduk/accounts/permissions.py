"""Roles and what each may do. Named permissions, never numbers; anything not listed is denied."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DINAS_ADMIN = "dinas_admin", _("Dinas admin")
    SUPERVISOR = "supervisor", _("supervisor")
    KECAMATAN_OPERATOR = "kecamatan_operator", _("kecamatan operator")
    PRINT_OPERATOR = "print_operator", _("print operator")
    VERIFIER = "verifier", _("verifier")
    RESIDENT = "resident", _("resident")


STAFF_ROLES = frozenset(Role) - {Role.RESIDENT}


class Permission(StrEnum):
    VIEW_RESIDENT = "view_resident"
    SEARCH_RESIDENT = "search_resident"
    EDIT_RESIDENT = "edit_resident"
    RECORD = "record"  # e-KTP perekaman; also needs a current recording certificate
    PRINT = "print"  # card printing; also needs a current printing certificate
    APPROVE = "approve"  # approve applications, adjudicate duplicates
    EXPORT = "export"  # resident lists leave the system
    READ_AUDIT = "read_audit"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_OFFICES = "manage_offices"
    MANAGE_STATIONS = "manage_stations"
    RUN_QUEUE = "run_queue"  # issue queue tickets, call them at a counter, see the day's figures
    INVITE = "invite"  # invite an RT's unrecorded residents for recording
    BOOK = "book"  # book, move and cancel appointments on a resident's behalf
    PLAN = "plan"  # the kab/kota's equipment and deadline planner (aggregate figures only)
    VIEW_REPORTS = "view_reports"  # dashboards, forecasts and their exports (figures, no personal data)
    HANDLE_PRIVACY = "handle_privacy"  # answer residents' objections and correction requests (UU PDP)
    WITHHOLD = "withhold"  # withhold audit entries of a legal category from residents' trackers


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.DINAS_ADMIN: frozenset(
        {
            Permission.VIEW_RESIDENT,
            Permission.SEARCH_RESIDENT,
            Permission.EDIT_RESIDENT,
            Permission.EXPORT,
            Permission.READ_AUDIT,
            Permission.MANAGE_ACCOUNTS,
            Permission.MANAGE_OFFICES,
            Permission.MANAGE_STATIONS,
            Permission.PLAN,
            Permission.VIEW_REPORTS,
            Permission.HANDLE_PRIVACY,
            Permission.WITHHOLD,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Permission.VIEW_RESIDENT,
            Permission.SEARCH_RESIDENT,
            Permission.EDIT_RESIDENT,
            Permission.APPROVE,
            Permission.EXPORT,
            Permission.READ_AUDIT,
            Permission.RUN_QUEUE,
            Permission.INVITE,
            Permission.BOOK,
            Permission.PLAN,
            Permission.VIEW_REPORTS,
            Permission.HANDLE_PRIVACY,
        }
    ),
    Role.KECAMATAN_OPERATOR: frozenset(
        {Permission.VIEW_RESIDENT, Permission.SEARCH_RESIDENT, Permission.EDIT_RESIDENT, Permission.RECORD, Permission.RUN_QUEUE, Permission.BOOK, Permission.VIEW_REPORTS}
    ),
    Role.PRINT_OPERATOR: frozenset({Permission.PRINT}),
    Role.VERIFIER: frozenset({Permission.VIEW_RESIDENT, Permission.SEARCH_RESIDENT, Permission.APPROVE}),
    Role.RESIDENT: frozenset(),
}

# Permissions that also need a current training certificate of this kind.
CERTIFIED_PERMISSIONS = {Permission.RECORD: "recording", Permission.PRINT: "printing"}


def role_has(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
