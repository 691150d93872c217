import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import OPEN_STATUSES, BookingStatus, Channel, Service


class BookingSettings(models.Model):
    """How an office books: minutes per recording, slot length, latest change time. An office
    without a row uses the defaults below."""

    DEFAULT_MINUTES_PER_RECORDING = 5
    DEFAULT_SLOT_MINUTES = 60
    DEFAULT_CHANGE_CUTOFF_MINUTES = 120
    DEFAULT_HORIZON_DAYS = 30

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, primary_key=True, related_name="booking_settings", verbose_name=_("office")
    )
    minutes_per_recording = models.PositiveSmallIntegerField(
        _("minutes per recording"),
        default=DEFAULT_MINUTES_PER_RECORDING,
        help_text=_("One resident at one recording set, hand-over included."),
    )
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=DEFAULT_SLOT_MINUTES)
    change_cutoff_minutes = models.PositiveIntegerField(
        _("latest change (minutes before the slot)"),
        default=DEFAULT_CHANGE_CUTOFF_MINUTES,
        help_text=_("Booking, rescheduling and cancelling close this long before the slot starts."),
    )
    horizon_days = models.PositiveSmallIntegerField(_("days bookable ahead"), default=DEFAULT_HORIZON_DAYS)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("booking settings")
        verbose_name_plural = _("booking settings")
        constraints = [
            models.CheckConstraint(condition=Q(minutes_per_recording__gte=1), name="booking_minutes_per_recording_positive"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="booking_slot_minutes_at_least_5"),
            models.CheckConstraint(condition=Q(horizon_days__gte=1), name="booking_horizon_positive"),
        ]

    def __str__(self):
        return f"{self.office}: {self.minutes_per_recording} min"


class BlockedTime(models.Model):
    """Time at one office without bookable recording (a meeting, maintenance, a visit)."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="blocked_times", verbose_name=_("office"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["office", "starts_at"]
        verbose_name = _("blocked time")
        verbose_name_plural = _("blocked times")
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="blocked_time_starts_before_end"),
        ]

    def __str__(self):
        return f"{self.office} {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M}: {self.reason}"


class Slot(models.Model):
    """One bookable time window of one office for one service. `booked` counts the open
    bookings and only moves through a conditional UPDATE (booked < capacity), so concurrent
    bookings from any number of processes never pass the capacity. `capacity` follows the
    office's equipment, hours, closures and blocked time (appointments.slots.refresh)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="slots", verbose_name=_("office"))
    service = models.CharField(_("service"), max_length=16, choices=Service.choices, default=Service.PEREKAMAN)
    date = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"), default=0)
    booked = models.PositiveIntegerField(_("booked"), default=0)
    # Every write sets it (the conditional UPDATEs too): the node's pull pages slots by it.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["office", "service", "starts_at"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        indexes = [models.Index(fields=["office", "service", "date"], name="slot_office_service_date_idx")]
        constraints = [
            models.UniqueConstraint(fields=["office", "service", "starts_at"], name="unique_slot_start"),
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="slot_starts_before_end"),
        ]

    def __str__(self):
        return f"{self.office} {self.starts_at:%Y-%m-%d %H:%M} {self.booked}/{self.capacity}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class Booking(models.Model):
    """One resident's appointment. Written only through appointments.actions."""

    Status = BookingStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resident = models.ForeignKey(
        "population.Resident", on_delete=models.PROTECT, related_name="bookings", verbose_name=_("resident")
    )
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="bookings", verbose_name=_("office"))
    service = models.CharField(_("service"), max_length=16, choices=Service.choices, default=Service.PEREKAMAN)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("slot"))
    status = models.CharField(_("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.COUNTER)
    over_capacity = models.BooleanField(
        _("over capacity"),
        default=False,
        help_text=_("The slot's capacity dropped below its bookings; the resident was offered another slot."),
    )
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("booked by")
    )
    left_office = models.ForeignKey(
        "offices.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("moved away from office"),
        help_text=_("The office a reschedule last moved the booking away from: its node is told."),
    )
    # The last node event applied to this booking (central) or sent for it (node, with
    # event_pending until the central's copy names that event): a pull never undoes the
    # office's own check-in or closing while the central has not confirmed it.
    last_event = models.UUIDField(_("last node event"), null=True, blank=True)
    event_pending = models.BooleanField(_("waiting for the central"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["slot__starts_at", "created_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [models.Index(fields=["slot", "status"], name="booking_slot_status_idx")]
        constraints = [
            # One open booking per resident per service, whatever number of processes book at once.
            models.UniqueConstraint(
                fields=["resident", "service"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="one_open_booking_per_resident_service",
                violation_error_message=_("This resident already has an open booking for this service."),
            ),
        ]

    def __str__(self):
        return f"{self.nik} {self.slot} {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
