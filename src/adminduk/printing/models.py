"""Print jobs, cards, the blangko ledger, shipments and handovers.

Invariants are guarded in the database, never in one process: stock is a row per office with a
check constraint (never below zero) that every movement locks; a request has at most one open
print job and at most one live card (partial unique constraints)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adminduk.core.models import AppendOnlyModel

from .choices import (
    LIVE_CARD_STATUSES,
    CardKind,
    CardStatus,
    DiscrepancyKind,
    IdentityCheck,
    ItemState,
    JobStatus,
    MovementKind,
    Priority,
    Resolution,
    ShipmentStatus,
    SpoilageReason,
)

USER = settings.AUTH_USER_MODEL


class PrintQuota(models.Model):
    """The daily number of cards an office may print, set by a Dinas admin."""

    office = models.OneToOneField("offices.Office", primary_key=True, on_delete=models.CASCADE, related_name="print_quota", verbose_name=_("office"))
    daily_cards = models.PositiveIntegerField(_("cards per day"))
    set_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("daily print quota")
        verbose_name_plural = _("daily print quotas")

    def __str__(self):
        return f"{self.office}: {self.daily_cards}"


class BlangkoStock(models.Model):
    """The blank cards an office holds now. Changed only by printing.actions.stock, which locks
    this row and writes a BlangkoMovement with the balance after it."""

    office = models.OneToOneField("offices.Office", primary_key=True, on_delete=models.PROTECT, related_name="blangko_stock", verbose_name=_("office"))
    quantity = models.IntegerField(_("blank cards in stock"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("blangko stock")
        verbose_name_plural = _("blangko stock")
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=0), name="blangko_stock_never_negative")]

    def __str__(self):
        return f"{self.office}: {self.quantity}"


class BlangkoMovement(AppendOnlyModel):
    """The append-only ledger: every receipt, transfer, printed card, spoiled blank and count
    adjustment, with the balance after it."""

    id = models.BigAutoField(primary_key=True)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="blangko_movements", verbose_name=_("office"))
    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    quantity = models.IntegerField(_("change"))
    balance = models.IntegerField(_("balance after"))
    batch_number = models.CharField(_("batch"), max_length=40, blank=True)
    serial_from = models.CharField(_("first serial"), max_length=30, blank=True)
    serial_to = models.CharField(_("last serial"), max_length=30, blank=True)
    counterpart = models.ForeignKey("offices.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("other office"))
    spoilage_reason = models.CharField(_("spoilage reason"), max_length=16, choices=SpoilageReason.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    card = models.ForeignKey("Card", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("card"))
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    event_id = models.UUIDField(_("node event"), null=True, blank=True, unique=True, help_text=_("The node event packet that booked it"))
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["office", "-at", "-id"]
        verbose_name = _("blangko movement")
        verbose_name_plural = _("blangko ledger")

    def __str__(self):
        return f"{self.office_id} {self.kind} {self.quantity:+d} = {self.balance}"


class StockCount(AppendOnlyModel):
    """A physical count: what the ledger said, what was counted, and the explained difference."""

    id = models.BigAutoField(primary_key=True)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="blangko_counts", verbose_name=_("office"))
    expected = models.IntegerField(_("in the ledger"))
    counted = models.PositiveIntegerField(_("counted"))
    reason = models.CharField(_("explanation of the difference"), max_length=300, blank=True)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["office", "-at"]
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")

    def __str__(self):
        return f"{self.office_id}: {self.counted} (ledger {self.expected})"

    @property
    def difference(self) -> int:
        return self.counted - self.expected


class PrintBatch(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="print_batches", verbose_name=_("office"))
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")

    def __str__(self):
        return f"{self.office} {self.created_at:%d-%m-%Y %H:%M}"


class PrintJob(models.Model):
    """One request in a print queue, with what the card carries (fields, photo, signature and
    the chip's fingerprint templates), fixed at the central when the job is routed, so an
    offline node can print and check the holder without opening any packet."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey("enrollment.KtpRequest", on_delete=models.PROTECT, related_name="print_jobs", verbose_name=_("e-KTP request"))
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="print_jobs", verbose_name=_("print office"))
    deliver_to = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("pickup office"))
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.FIRST_TIME)
    routing_reason = models.CharField(_("routing"), max_length=300, blank=True)
    batch = models.ForeignKey(PrintBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("print batch"))
    attempts = models.PositiveSmallIntegerField(_("print attempts"), default=0)
    card_fields = models.JSONField(_("card fields"), default=dict)
    # The photo, signature and chip templates, sealed at rest (printing.media).
    media = models.BinaryField(_("sealed photo, signature and chip templates"), blank=True, default=b"")
    routed_on = models.DateField(_("routed on"), db_index=True)
    # The last node event applied to this row (central) or sent for it (node, with event_pending
    # until the central's copy names that event): a pull never undoes the node's own pending work.
    last_event = models.UUIDField(_("last node event"), null=True, blank=True)
    event_pending = models.BooleanField(_("waiting for the central"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["priority", "created_at"]
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")
        constraints = [
            models.UniqueConstraint(fields=["request"], condition=Q(status__in=["queued", "printing"]), name="one_open_print_job_per_request"),
        ]

    def __str__(self):
        return f"{self.nik} {self.get_status_display()} @ {self.office_id}"

    def set_media(self, *, photo: bytes = b"", signature: bytes = b"", chip_templates: dict | None = None) -> None:
        from . import media

        self.media = media.seal(self.pk, photo=photo, signature=signature, chip_templates=chip_templates)

    def _opened(self) -> dict:
        """The opened media, cached on the instance for as long as the sealed bytes are the same."""
        from . import media

        sealed = bytes(self.media or b"")
        cached = self.__dict__.get("_opened_media")
        if cached is None or cached[0] != sealed:
            cached = self.__dict__["_opened_media"] = (sealed, media.open_sealed(self.pk, sealed))
        return cached[1]

    @property
    def photo(self) -> bytes:
        return self._opened()["photo"]

    @property
    def signature(self) -> bytes:
        return self._opened()["signature"]

    @property
    def chip_templates(self) -> dict:
        return self._opened()["chip_templates"]


class Card(models.Model):
    """A printed KTP-el (or a suket recorded like a card), from the printer to the holder."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=CardKind.choices, default=CardKind.KTP_EL)
    request = models.ForeignKey("enrollment.KtpRequest", on_delete=models.PROTECT, related_name="cards", verbose_name=_("e-KTP request"))
    job = models.ForeignKey(PrintJob, on_delete=models.PROTECT, related_name="cards", verbose_name=_("print job"))
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    serial = models.CharField(_("card serial"), max_length=40, unique=True)
    print_number = models.PositiveSmallIntegerField(_("print number"), default=1, help_text=_("cetak ke-: cards printed for this NIK so far"))
    status = models.CharField(_("status"), max_length=12, choices=CardStatus.choices, default=CardStatus.PRINTED, db_index=True)
    printed_at_office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("printed at"))
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="cards", verbose_name=_("pickup office"))
    chip_result = models.JSONField(_("chip personalisation"), default=dict, blank=True)
    document_number = models.CharField(_("suket number"), max_length=40, blank=True)
    invalidated_reason = models.CharField(_("reason"), max_length=300, blank=True)
    printed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("printed by"))
    last_event = models.UUIDField(_("last node event"), null=True, blank=True)
    event_pending = models.BooleanField(_("waiting for the central"), default=False)
    printed_at = models.DateTimeField(_("printed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-printed_at"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(kind="ktp_el", status__in=[s.value for s in LIVE_CARD_STATUSES]), name="one_live_card_per_request"
            ),
        ]

    def __str__(self):
        return f"{self.serial} {self.nik} {self.get_status_display()}"


class Shipment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("shipment number"), max_length=30, unique=True)
    from_office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("from"))
    to_office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="shipments_in", verbose_name=_("to"))
    status = models.CharField(_("status"), max_length=10, choices=ShipmentStatus.choices, default=ShipmentStatus.PREPARED, db_index=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self):
        return self.number


class ShipmentItem(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="items", verbose_name=_("shipment"))
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="shipment_items", verbose_name=_("card"))
    state = models.CharField(_("state"), max_length=10, choices=ItemState.choices, default=ItemState.EXPECTED)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        ordering = ["shipment", "card__serial"]
        verbose_name = _("shipment item")
        verbose_name_plural = _("shipment items")
        constraints = [models.UniqueConstraint(fields=["shipment", "card"], name="one_item_per_card_per_shipment")]

    def __str__(self):
        return f"{self.shipment_id} {self.card_id} {self.state}"


class Discrepancy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="discrepancies", verbose_name=_("shipment"))
    kind = models.CharField(_("kind"), max_length=10, choices=DiscrepancyKind.choices)
    card = models.ForeignKey(Card, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("card"))
    code = models.CharField(_("scanned code"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    resolution = models.CharField(_("resolution"), max_length=10, choices=Resolution.choices, blank=True)
    resolution_note = models.CharField(_("resolution note"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["shipment", "created_at"]
        verbose_name = _("shipment discrepancy")
        verbose_name_plural = _("shipment discrepancies")

    def __str__(self):
        return f"{self.shipment_id} {self.kind} {self.code}"


class Handover(AppendOnlyModel):
    """A card handed to its holder, with how the holder's identity was confirmed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    card = models.OneToOneField(Card, on_delete=models.PROTECT, related_name="handover", verbose_name=_("card"))
    method = models.CharField(_("identity check"), max_length=12, choices=IdentityCheck.choices)
    score = models.FloatField(_("fingerprint score"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("card handover")
        verbose_name_plural = _("card handovers")

    def __str__(self):
        return f"{self.card_id} {self.method}"
