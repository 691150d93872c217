import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import SERVICE_LETTER, InvitationStatus, Priority, Service, TicketStatus


class Counter(models.Model):
    """A service counter (loket) of an office; it calls tickets of the services it serves."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="counters", verbose_name=_("office"))
    name = models.CharField(_("name"), max_length=40, help_text=_("e.g. Loket 1"))
    services = models.JSONField(_("services"), default=list, help_text=_("The services this counter calls."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["office", "name"]
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="unique_counter_name_per_office")]

    def __str__(self):
        return self.name

    def service_labels(self) -> list[str]:
        return [str(Service(s).label) for s in self.services if s in Service.values]


class TicketSequence(models.Model):
    """The last ticket number given for one service at one office on one day. Incremented with
    one UPDATE inside the issuing transaction, so concurrent issues queue on its row lock."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("office"))
    service = models.CharField(_("service"), max_length=12, choices=Service.choices)
    day = models.DateField(_("day"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("ticket sequence")
        verbose_name_plural = _("ticket sequences")
        constraints = [models.UniqueConstraint(fields=["office", "service", "day"], name="unique_ticket_sequence")]

    def __str__(self):
        return f"{self.office_id} {self.service} {self.day}: {self.last_number}"


class Ticket(models.Model):
    """A queue ticket. Waits are measured from `issued_at` to `first_called_at`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("office"))
    service = models.CharField(_("service"), max_length=12, choices=Service.choices)
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("number"))
    priority = models.CharField(_("priority group"), max_length=12, choices=Priority.choices, default=Priority.UMUM)
    rank = models.PositiveSmallIntegerField(_("call order rank"), default=2)
    status = models.CharField(_("status"), max_length=8, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    counter = models.ForeignKey(
        Counter, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("counter")
    )
    issued_at = models.DateTimeField(_("issued at"))
    queued_at = models.DateTimeField(_("in the queue since"), help_text=_("The issue time, or the time it was skipped."))
    first_called_at = models.DateTimeField(_("first called at"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("last called at"), null=True, blank=True)
    call_count = models.PositiveIntegerField(_("times called"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    booking_id = models.UUIDField(_("booking"), null=True, blank=True, unique=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )

    class Meta:
        ordering = ["day", "service", "number"]
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        constraints = [
            models.UniqueConstraint(fields=["office", "service", "day", "number"], name="unique_ticket_number_per_day"),
            # A counter serves one resident at a time.
            models.UniqueConstraint(fields=["counter"], condition=Q(status="called"), name="one_called_ticket_per_counter"),
            models.CheckConstraint(condition=Q(number__gte=1), name="ticket_number_positive"),
        ]
        indexes = [models.Index(fields=["office", "day", "status", "rank", "queued_at"], name="ticket_queue_idx")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{SERVICE_LETTER.get(self.service, '?')}{self.number:03d}"

    @property
    def wait_seconds(self) -> float | None:
        if self.first_called_at is None:
            return None
        return (self.first_called_at - self.issued_at).total_seconds()


class Invitation(models.Model):
    """A resident of an RT invited to come for e-KTP recording at an office on a day and time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    batch = models.UUIDField(_("invitation batch"), db_index=True)
    resident = models.ForeignKey(
        "population.Resident", on_delete=models.PROTECT, related_name="invitations", verbose_name=_("resident")
    )
    nik = models.CharField(_("NIK"), max_length=16)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="invitations", verbose_name=_("office"))
    date = models.DateField(_("date"))
    time = models.TimeField(_("time"))
    status = models.CharField(_("status"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.INVITED)
    kelurahan = models.ForeignKey("regions.Kelurahan", on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan/desa"))
    rw = models.CharField(_("RW"), max_length=3)
    rt = models.CharField(_("RT"), max_length=3)
    booking = models.OneToOneField(
        "appointments.Booking", null=True, blank=True, on_delete=models.PROTECT, related_name="invitation", verbose_name=_("booking")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)  # the node's pull pages by it

    class Meta:
        ordering = ["date", "time", "nik"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["resident", "date"], name="one_invitation_per_resident_per_day")]
        indexes = [models.Index(fields=["office", "date", "status"], name="invitation_office_day_idx")]

    def __str__(self):
        return f"{self.nik} {self.date:%Y-%m-%d} {self.time:%H:%M}"
