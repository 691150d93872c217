from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from adminduk.core.models import AppendOnlyModel


class AuditEntry(AppendOnlyModel):
    """One read or write of personal data. Append-only: the model refuses updates and deletes,
    and database triggers (migration 0002) refuse them for other clients too."""

    class Action(models.TextChoices):
        VIEW = "view", _("view")
        SEARCH = "search", _("search")
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        EXPORT = "export", _("export")
        DENIED = "denied", _("access denied")
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logout")

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("server time"), auto_now_add=True, db_index=True)
    device_time = models.DateTimeField(_("device time"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    # Kept as text too, so an entry still says who acted after the account is renamed.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=20, blank=True)
    office = models.ForeignKey(
        "offices.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    station = models.ForeignKey(
        "accounts.Station", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("station")
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("record type"), max_length=40, blank=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True, db_index=True)
    kecamatan_code = models.CharField(_("kecamatan of the record"), max_length=8, blank=True, db_index=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_type} {self.object_id}"
