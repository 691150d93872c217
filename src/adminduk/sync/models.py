import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxPacket(models.Model):
    """A sealed packet waiting on a node to reach the central (node side). Only the sealed,
    signed bytes are kept. It is marked delivered only on the central's acknowledgement."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        DELIVERED = "delivered", _("delivered")
        REJECTED = "rejected", _("rejected by the central")

    id = models.UUIDField(_("packet"), primary_key=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20)
    body = models.BinaryField(_("sealed packet"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    rejection_code = models.CharField(_("rejection code"), max_length=40, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("outbox packet")
        verbose_name_plural = _("outbox")
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_state_created_idx")]

    def __str__(self):
        return f"{self.id} {self.state}"


class InboxPacket(models.Model):
    """A packet stored at the central, exactly once per UUID whatever number of times it is
    delivered (central side). Processing (adminduk.processing) starts from here."""

    class State(models.TextChoices):
        RECEIVED = "received", _("received")
        PROCESSING = "processing", _("processing")
        PROCESSED = "processed", _("processed")
        FAILED = "failed", _("processing failed")

    id = models.UUIDField(_("packet"), primary_key=True, editable=False)
    station = models.ForeignKey("accounts.Station", on_delete=models.PROTECT, related_name="inbox_packets", verbose_name=_("station"))
    kind = models.CharField(_("kind"), max_length=20)
    body = models.BinaryField(_("sealed packet"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    device_time = models.DateTimeField(_("device time"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.RECEIVED, db_index=True)
    state_detail = models.CharField(_("detail"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("inbox packet")
        verbose_name_plural = _("inbox")

    def __str__(self):
        return f"{self.id} from {self.station_id} ({self.state})"


class RejectedDelivery(models.Model):
    """A packet the central refused, with the reason (central side): tampered, unknown or
    revoked station, a replayed UUID with other content, oversized. Nothing else is stored."""

    id = models.BigAutoField(primary_key=True)
    packet_id = models.UUIDField(_("packet"), null=True, blank=True, db_index=True)
    station_id = models.UUIDField(_("station"), null=True, blank=True)
    code = models.CharField(_("code"), max_length=40)
    reason = models.CharField(_("reason"), max_length=300)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    remote_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("rejected delivery")
        verbose_name_plural = _("rejected deliveries")

    def __str__(self):
        return f"{self.packet_id} {self.code}"
