import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One message to one phone, and what became of it. The text of a sensitive message (a
    sign-in code) is never stored: only the gateway ever sees it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        NO_CONSENT = "no_consent", _("not sent: no consent")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")
        FILE = "file", _("file (demo and tests)")
        CONSOLE = "console", _("console (demo)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # What the message is for, e.g. "portal_code", "booking_confirmed", "booking_reminder",
    # "capacity_changed", "queue_called", "rt_invitation": a free slug chosen by the sender.
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    phone = models.CharField(_("phone number"), max_length=16, db_index=True)
    resident = models.ForeignKey(
        "population.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("resident"),
    )
    text = models.TextField(_("text"), blank=True)
    sensitive = models.BooleanField(_("text withheld"), default=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    gateway_id = models.CharField(_("gateway message id"), max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["phone", "kind", "created_at"], name="message_phone_kind_at")]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.kind} → {self.phone} ({self.status})"


class MessagingConsent(models.Model):
    """A resident's consent to non-essential messages (reminders, invitations) by SMS or
    WhatsApp: given and revoked from the portal or at the counter, each step audited. One row
    per consent given; revoking sets revoked_at. Essential messages (messaging.consent) need none."""

    class Via(models.TextChoices):
        PORTAL = "portal", _("resident portal")
        COUNTER = "counter", _("office counter")

    id = models.BigAutoField(primary_key=True)
    resident = models.ForeignKey(
        "population.Resident", on_delete=models.PROTECT, related_name="messaging_consents", verbose_name=_("resident")
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    given_via = models.CharField(_("given via"), max_length=8, choices=Via.choices)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("messaging consent")
        verbose_name_plural = _("messaging consents")
        constraints = [
            models.UniqueConstraint(fields=["resident"], condition=models.Q(revoked_at__isnull=True), name="one_current_consent_per_resident"),
        ]

    def __str__(self):
        return f"{self.resident_id} {self.given_at:%Y-%m-%d}"
