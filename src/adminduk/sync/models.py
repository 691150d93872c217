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
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    rejection_code = models.CharField(_("rejection code"), max_length=40, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

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
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    device_time = models.DateTimeField(_("device time"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.RECEIVED, db_index=True)
    state_detail = models.CharField(_("detail"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

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
    remote_address = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("remote address"))
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("rejected delivery")
        verbose_name_plural = _("rejected deliveries")

    def __str__(self):
        return f"{self.packet_id} {self.code}"


class NodeHeartbeat(models.Model):
    """What the central last heard from a node (central side): one row per station, updated on
    every signed push or pull. The backlog is what the node reported in its request header."""

    station = models.OneToOneField(
        "accounts.Station", on_delete=models.CASCADE, primary_key=True, related_name="heartbeat", verbose_name=_("station")
    )
    last_seen = models.DateTimeField(_("last seen"))
    last_push_at = models.DateTimeField(_("last push"), null=True, blank=True)
    last_pull_at = models.DateTimeField(_("last pull"), null=True, blank=True)
    backlog = models.PositiveIntegerField(_("backlog reported"), default=0)
    packets_stored = models.PositiveBigIntegerField(_("packets stored"), default=0)
    packets_duplicate = models.PositiveBigIntegerField(_("duplicate deliveries"), default=0)
    packets_rejected = models.PositiveBigIntegerField(_("packets rejected"), default=0)
    bytes_received = models.PositiveBigIntegerField(_("bytes received"), default=0)
    node_time_offset = models.FloatField(_("node clock offset (s)"), null=True, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("node heartbeat")
        verbose_name_plural = _("node heartbeats")

    def __str__(self):
        return f"{self.station_id} seen {self.last_seen:%Y-%m-%d %H:%M}"


class NodeState(models.Model):
    """The node's own sync state (node side, one row, pk=1): where the central is, which station
    this node is, the pull cursor and what the last sync did. Everything that must survive an
    interruption is here or in the outbox; nothing lives only in memory."""

    class Link(models.TextChoices):
        UNKNOWN = "unknown", _("not tried yet")
        ONLINE = "online", _("online")
        OFFLINE = "offline", _("offline (central unreachable)")
        REFUSED = "refused", _("refused by the central")

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    central_url = models.CharField(_("central URL"), max_length=200, blank=True)
    station_id = models.UUIDField(_("station"), null=True, blank=True)
    cursor = models.CharField(_("pull cursor"), max_length=2000, blank=True)  # one keyset per stream (residents, KK, printing, appointments)
    master_digest = models.CharField(_("master data version"), max_length=64, blank=True)
    synced_usernames = models.JSONField(default=list, blank=True, verbose_name=_("synced usernames"))
    link_state = models.CharField(_("link"), max_length=10, choices=Link.choices, default=Link.UNKNOWN)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_push_ok_at = models.DateTimeField(_("last successful push"), null=True, blank=True)
    last_pull_ok_at = models.DateTimeField(_("last successful pull"), null=True, blank=True)
    # A full round: every pending packet answered and the pull caught up.
    last_sync_ok_at = models.DateTimeField(_("last successful sync"), null=True, blank=True)
    max_batch_bytes = models.PositiveIntegerField(_("largest batch the central accepts"), default=0)
    batch_bytes = models.PositiveIntegerField(_("current batch size (bytes)"), default=0)
    throughput = models.FloatField(_("measured throughput (bytes/s)"), default=0)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("node sync state")
        verbose_name_plural = _("node sync state")

    def __str__(self):
        return f"node → {self.central_url or '?'} ({self.link_state})"



class EventRefusal(models.Model):
    """A node's event packet the central refused, kept by the event's UUID with the reason.
    Written at the central when the event is refused (sync.events), sent to the office's node in
    the pull, and kept there too: the node stops waiting for the event and its operators see
    why. `subjects` names the rows the event was about, so the pull sends the central's copy."""

    id = models.UUIDField(_("event"), primary_key=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20)
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="event_refusals", verbose_name=_("office"))
    event_type = models.CharField(_("event type"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    subjects = models.JSONField(_("rows concerned"), default=dict, blank=True)
    refused_at = models.DateTimeField(_("refused at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-refused_at", "id"]
        verbose_name = _("refused node event")
        verbose_name_plural = _("refused node events")
        indexes = [models.Index(fields=["office", "updated_at", "id"], name="event_refusal_keyset_idx")]

    def __str__(self):
        return f"{self.kind} {self.id}: {self.reason}"
