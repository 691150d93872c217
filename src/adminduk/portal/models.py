import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignInCode(models.Model):
    """One request for a sign-in code. A row is kept for every request, also for a NIK that is
    not registered or has no phone (then without a code), so limits and answers are the same
    whether a NIK exists or not. Only an HMAC of the code is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    resident = models.ForeignKey(
        "population.Resident", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("resident")
    )
    code_hash = models.CharField(_("code (HMAC)"), max_length=64, blank=True)
    message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("message")
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong codes entered"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")

    def __str__(self):
        return f"{self.nik} @ {self.created_at:%Y-%m-%d %H:%M}"


class FailedCodeAttempt(models.Model):
    """A wrong (or expired, or unknown) code entered: counted per NIK and per address."""

    id = models.BigAutoField(primary_key=True)
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True, db_index=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("wrong sign-in code")
        verbose_name_plural = _("wrong sign-in codes")

    def __str__(self):
        return f"{self.nik} @ {self.at:%Y-%m-%d %H:%M}"


class PortalSession(models.Model):
    """A resident's signed-in session, apart from staff sessions: its own cookie (path /portal/),
    only a SHA-256 of the token stored, ended by sign-out, idleness or age."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token_hash = models.CharField(_("token (SHA-256)"), max_length=64, unique=True)
    resident = models.ForeignKey("population.Resident", on_delete=models.CASCADE, related_name="+", verbose_name=_("resident"))
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_sessions", verbose_name=_("resident account")
    )
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)
    ended_at = models.DateTimeField(_("signed out at"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("portal session")
        verbose_name_plural = _("portal sessions")

    def __str__(self):
        return f"{self.account} @ {self.created_at:%Y-%m-%d %H:%M}"
