"""Deny-by-default access control for views (the shape of CommCare HQ's @location_safe).

Every view reached through the URLconf must declare who may use it with one of the decorators
below; AccessControlMiddleware answers 403 for any view that did not. Staff views also need a
second factor (django-otp) for the session.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.cache import patch_cache_control

from .permissions import STAFF_ROLES, Permission
from .scoping import authorize

ACCESS_ATTRIBUTE = "adminduk_access"

# Views of third-party apps that enforce their own access rules.
SELF_GUARDED_NAMESPACES = {"admin", "api"}
SELF_GUARDED_URL_NAMES = {"set_language", "javascript-catalog"}


def public_view(view):
    """Open to anyone (login page, language switch, public verification)."""
    setattr(view, ACCESS_ATTRIBUTE, "public")
    return view


def is_verified_staff(user) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in STAFF_ROLES
        and user.is_verified()  # set by django_otp.middleware.OTPMiddleware
    )


def staff_view(permission: Permission):
    """Logged-in staff whose role has `permission`, with a verified second factor."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not is_verified_staff(request.user):
                raise PermissionDenied("a staff account with a verified second factor is required")
            decision = authorize(request.user, permission)
            if not decision:
                from adminduk.audit.actions import record

                record(request, "denied", details={"permission": str(permission), "reason": decision.reason})
                raise PermissionDenied(decision.reason)
            return view(request, *args, **kwargs)

        setattr(wrapped, ACCESS_ATTRIBUTE, f"staff:{permission}")
        wrapped.required_permission = permission
        return wrapped

    return decorator


def any_staff_view(view):
    """Any verified staff member, whatever the role (home page, own account)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not is_verified_staff(request.user):
            raise PermissionDenied("a staff account with a verified second factor is required")
        return view(request, *args, **kwargs)

    setattr(wrapped, ACCESS_ATTRIBUTE, "staff")
    return wrapped


class AccessControlMiddleware:
    """Refuse any view that has not declared its access rule. Pages served to a logged-in user
    are never stored by the browser or a proxy: they carry personal data, and on a recording
    station biometric previews."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, ACCESS_ATTRIBUTE, None):
            return None
        match = request.resolver_match
        if match is not None and (match.namespace.split(":")[0] in SELF_GUARDED_NAMESPACES or match.url_name in SELF_GUARDED_URL_NAMES):
            return None
        raise PermissionDenied("this page has not declared who may use it")
