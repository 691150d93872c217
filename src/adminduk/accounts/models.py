import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adminduk.offices.models import Office

from .permissions import Role


class User(AbstractUser):
    """A personal account: one person, one login, never shared."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RESIDENT)
    offices = models.ManyToManyField(
        Office, through="OfficeAssignment", related_name="staff", blank=True, verbose_name=_("offices")
    )
    resident_nik = models.CharField(_("NIK (resident accounts)"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_staff_role(self) -> bool:
        return self.role != Role.RESIDENT


class OfficeAssignment(models.Model):
    """Which offices an operator works for; this is their jurisdiction."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("user"))
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("office"))
    assigned_at = models.DateTimeField(auto_now_add=True, verbose_name=_("assigned at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "office"], name="unique_office_assignment")]
        verbose_name = _("office assignment")
        verbose_name_plural = _("office assignments")

    def __str__(self):
        return f"{self.user} @ {self.office}"


class Certification(models.Model):
    """A completed training with its validity period; recording and printing need a current one."""

    class Kind(models.TextChoices):
        RECORDING = "recording", _("e-KTP recording (perekaman)")
        PRINTING = "printing", _("card printing (pencetakan)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="certifications", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=40)
    trained_on = models.DateField(_("training date"))
    valid_until = models.DateField(_("valid until"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["user", "kind", "-valid_until"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gt=models.F("trained_on")), name="certification_valid_after_training"),
        ]

    def __str__(self):
        return f"{self.user} {self.kind} until {self.valid_until}"

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.trained_on <= on <= self.valid_until


class Station(models.Model):
    """A recording station or kecamatan node, known by its Ed25519 public key.

    Packets signed by a revoked station are rejected by the central (sync)."""

    class Kind(models.TextChoices):
        RECORDING_STATION = "recording_station", _("recording station")
        NODE = "node", _("kecamatan node")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="stations", verbose_name=_("office"))
    public_key = models.CharField(_("public key (Ed25519, base64)"), max_length=64, unique=True)
    fingerprint = models.CharField(_("key fingerprint"), max_length=64, unique=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("revoked by")
    )
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["office", "name"]
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="unique_station_name_per_office")]

    def __str__(self):
        return f"{self.name} ({self.office})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
