"""Logins, failed logins and logouts go into the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from adminduk.audit.actions import record


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record(request, "login", actor=user, object_type="user", object_id=user.username)


@receiver(user_login_failed)
def audit_failed_login(sender, credentials, request=None, **kwargs):
    # Only the username is kept; never the password or the code that was typed.
    # Which factor failed (a TOTP failure says so in its credentials), on which login page, and
    # whether the try was refused by the lockout before any check.
    username = str(credentials.get("username", ""))[:150]
    details = {"factor": "totp" if credentials.get("factor") == "totp" else "password"}
    if request is not None:
        details["page"] = request.path[:200]
        details["locked_out"] = bool(getattr(request, "axes_locked_out", False))
    record(request, "login_failed", object_type="user", object_id=username, details=details)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record(request, "logout", actor=user, object_type="user", object_id=user.username)
