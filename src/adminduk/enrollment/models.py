import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adminduk.core.models import AppendOnlyModel

from .statuses import CLOSED, RequestStatus, siak_status


class KtpRequest(models.Model):
    """One resident's e-KTP request, from booking or recording to pickup. The same UUID names
    it on the node and at the central. Status changes go through enrollment.requests.transition,
    which writes a KtpRequestEvent for each."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resident = models.ForeignKey(
        "population.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="ktp_requests", verbose_name=_("resident")
    )
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="ktp_requests", verbose_name=_("office"))
    kecamatan_code = models.CharField(_("kecamatan of the resident"), max_length=8, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, db_index=True)
    rejection_code = models.CharField(_("rejection code"), max_length=40, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    packet_id = models.UUIDField(_("packet"), null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("e-KTP request")
        verbose_name_plural = _("e-KTP requests")
        constraints = [
            # One open request per person: a second recording waits until the first is finished.
            models.UniqueConstraint(
                fields=["nik"], condition=~Q(status__in=sorted(CLOSED)), name="one_open_ktp_request_per_nik"
            ),
        ]

    def __str__(self):
        return f"{self.nik} {self.get_status_display()}"

    @property
    def siak_status(self) -> str:
        return siak_status(self.status, self.rejection_code)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED


class KtpRequestEvent(AppendOnlyModel):
    """Append-only journal of a request (OpenCRVS style): every status change with who, where,
    the device's time and the server's time."""

    id = models.BigAutoField(primary_key=True)
    request = models.ForeignKey(KtpRequest, on_delete=models.PROTECT, related_name="events", verbose_name=_("request"))
    from_status = models.CharField(_("from"), max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=RequestStatus.choices)
    at = models.DateTimeField(_("server time"), auto_now_add=True, db_index=True)
    device_time = models.DateTimeField(_("device time"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    office = models.ForeignKey("offices.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    station = models.ForeignKey("accounts.Station", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("station"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["request", "at", "id"]
        verbose_name = _("e-KTP request event")
        verbose_name_plural = _("e-KTP request history")

    def __str__(self):
        return f"{self.request_id}: {self.from_status or '-'} -> {self.to_status}"


class RecordingSession(models.Model):
    """One resident at a recording station, from being called to the submitted packet.

    Holds no biometric data in the clear: every capture is sealed to the central the moment it
    is taken (RecordingCapture.sealed). The packet and request ids are fixed when the session
    starts, because each sealed part is bound to its packet id."""

    class State(models.TextChoices):
        OPEN = "open", _("in progress")
        SUBMITTED = "submitted", _("submitted")
        CANCELLED = "cancelled", _("cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    packet_id = models.UUIDField(_("packet"), default=uuid.uuid4, unique=True, editable=False)
    request_id = models.UUIDField(_("e-KTP request"), default=uuid.uuid4, unique=True, editable=False)
    resident = models.ForeignKey("population.Resident", on_delete=models.PROTECT, related_name="recording_sessions", verbose_name=_("resident"))
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="recording_sessions", verbose_name=_("office"))
    kecamatan_code = models.CharField(_("kecamatan of the resident"), max_length=8)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recording_sessions", verbose_name=_("operator"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    demographics_confirmed_at = models.DateTimeField(_("demographics confirmed at"), null=True, blank=True)
    # Corrections made at the station: [{"changes": {field: [before, after]}, "reason": ..., "at": ...}]
    corrections = models.JSONField(_("corrections"), default=list, blank=True)
    # Only the simulator uses it: which synthetic person stands at the devices (default: the NIK).
    device_subject = models.CharField(_("simulated subject"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("recording session")
        verbose_name_plural = _("recording sessions")
        constraints = [
            models.UniqueConstraint(fields=["nik"], condition=Q(state="open"), name="one_open_recording_session_per_nik"),
        ]

    def __str__(self):
        return f"{self.nik} {self.get_state_display()}"

    @property
    def subject(self) -> str:
        return self.device_subject or self.nik


class RecordingCapture(models.Model):
    """One slot of a recording (face, a finger, an iris, the signature): either a capture sealed
    to the central, or an exception code approved by a supervisor. Only non-biometric metadata
    (geometry, quality figures) is kept in the clear."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(RecordingSession, on_delete=models.CASCADE, related_name="captures", verbose_name=_("session"))
    slot = models.CharField(_("slot"), max_length=16)
    sealed = models.BinaryField(_("sealed capture"), blank=True, default=b"")
    image_format = models.CharField(_("image format"), max_length=8, blank=True)
    width = models.PositiveIntegerField(default=0, verbose_name=_("width"))
    height = models.PositiveIntegerField(default=0, verbose_name=_("height"))
    dpi = models.PositiveIntegerField(default=0, verbose_name=_("dpi"))
    quality = models.JSONField(_("quality figures"), default=dict, blank=True)
    problems = models.JSONField(_("quality problems"), default=list, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    device = models.CharField(_("device"), max_length=120, blank=True)
    device_time = models.DateTimeField(_("device time"), null=True, blank=True)
    exception_code = models.CharField(_("exception code"), max_length=20, blank=True)
    exception_note = models.CharField(_("exception note"), max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["session", "slot"]
        verbose_name = _("recording capture")
        verbose_name_plural = _("recording captures")
        constraints = [models.UniqueConstraint(fields=["session", "slot"], name="one_capture_per_slot")]

    def __str__(self):
        return f"{self.session_id} {self.slot}"

    @property
    def is_exception(self) -> bool:
        return bool(self.exception_code)

    @property
    def is_ready(self) -> bool:
        """Good enough to submit: a capture that passed every check, or an approved exception."""
        if self.is_exception:
            return self.approved_by_id is not None
        return bool(self.sealed) and not self.problems
