import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adminduk.core.models import AppendOnlyModel

from .choices import OPEN, Action, Channel, Kind, Requirement, Status


class Application(models.Model):
    """One application for a civil-registration document or a KK change. The same UUID names it
    on the node that took it at the counter and at the central. Changes go through civil.actions,
    which journal each one in ApplicationEvent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="civil_applications", verbose_name=_("office"))
    kecamatan_code = models.CharField(_("kecamatan"), max_length=8, db_index=True)
    applicant_nik = models.CharField(_("NIK of the applicant"), max_length=16, db_index=True)
    subject_nik = models.CharField(_("NIK of the person concerned"), max_length=16, blank=True, db_index=True)
    kk_number = models.CharField(_("KK number"), max_length=16, blank=True)
    data = models.JSONField(_("application data"), default=dict)
    missing = models.JSONField(_("documents still missing"), default=list, blank=True)
    note_to_applicant = models.CharField(_("note to the applicant"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    due_at = models.DateTimeField(_("decision due by"))
    waiting_since = models.DateTimeField(_("waiting for the applicant since"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True, help_text=_("NIK, KK and document numbers issued"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken by")
    )
    # On a node: the last event sent for the application, waiting for the central while event_pending.
    last_event = models.UUIDField(_("last node event"), null=True, blank=True)
    event_pending = models.BooleanField(_("waiting for the central"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("civil registration application")
        verbose_name_plural = _("civil registration applications")
        indexes = [models.Index(fields=["office", "status", "due_at"], name="civil_queue_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject_nik or self.applicant_nik}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def is_overdue(self, now=None) -> bool:
        """Past the service standard and still undecided. Time the applicant took to bring
        documents does not count (due_at moves on when they arrive)."""
        if self.status != Status.SUBMITTED:
            return False
        return (now or timezone.now()) > self.due_at

    @property
    def decision_hours(self) -> float | None:
        if self.decided_at is None:
            return None
        return round((self.decided_at - self.submitted_at).total_seconds() / 3600, 1)


class ApplicationDocument(models.Model):
    """A supporting document as stored after checking: an image re-encoded with Pillow or a PDF
    re-written with pypdf. What the applicant uploaded is never kept as sent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents", verbose_name=_("application"))
    requirement = models.CharField(_("document"), max_length=20, choices=Requirement.choices)
    content_type = models.CharField(_("content type"), max_length=20)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    # Set when the content was deleted after the retention period (civil.retention); the row
    # stays so the application's history still says what was handed in.
    deleted_at = models.DateTimeField(_("content deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["application", "uploaded_at"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self):
        return f"{self.get_requirement_display()} ({self.content_type}, {self.size} B)"

    @property
    def extension(self) -> str:
        return {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(self.content_type, "bin")


class ApplicationEvent(AppendOnlyModel):
    """The journal of an application (OpenCRVS' shape): every step, who took it and when."""

    id = models.BigAutoField(primary_key=True)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events", verbose_name=_("application"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["application", "at", "id"]
        verbose_name = _("application event")
        verbose_name_plural = _("application history")

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class ServiceStandard(models.Model):
    """How long the office may take to decide an application of one kind (the Dinas sets it in
    the admin; without a row the default of civil.requirements applies)."""

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, unique=True)
    hours = models.PositiveIntegerField(_("hours to decide"))

    class Meta:
        ordering = ["kind"]
        verbose_name = _("service standard")
        verbose_name_plural = _("service standards")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.hours} h"
