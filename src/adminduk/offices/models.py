import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adminduk.core.models import AppendOnlyModel
from adminduk.regions.models import Kecamatan, Regency

from . import rules
from .choices import EquipmentKind, EquipmentStatus, Weekday


class Office(models.Model):
    """A service point: the Dinas office of the kab/kota, or a kecamatan office (kantor camat)."""

    class Kind(models.TextChoices):
        DINAS = "dinas", _("Dinas Dukcapil")
        KECAMATAN = "kecamatan", _("kecamatan office")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=32, unique=True, help_text=_("Short stable name, e.g. palu-mantikulore"))
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="offices", verbose_name=_("kabupaten/kota"))
    kecamatan = models.ForeignKey(
        Kecamatan, null=True, blank=True, on_delete=models.PROTECT, related_name="offices", verbose_name=_("kecamatan")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            # A kecamatan office serves one kecamatan; the Dinas office serves the whole kab/kota.
            models.CheckConstraint(
                condition=Q(kind="dinas", kecamatan__isnull=True) | Q(kind="kecamatan", kecamatan__isnull=False),
                name="office_kind_matches_kecamatan",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # The check constraint says the same; this says it in words on the right field.
        if self.kind == self.Kind.DINAS and self.kecamatan_id:
            raise ValidationError({"kecamatan": _("The Dinas office serves the whole kab/kota: leave the kecamatan empty.")})
        if self.kind == self.Kind.KECAMATAN and not self.kecamatan_id:
            raise ValidationError({"kecamatan": _("A kecamatan office needs its kecamatan.")})
        if self.kecamatan_id and self.regency_id and not self.kecamatan_id.startswith(self.regency_id + "."):
            raise ValidationError({"kecamatan": _("This kecamatan is not in the chosen kabupaten/kota.")})

    @property
    def is_dinas(self) -> bool:
        return self.kind == self.Kind.DINAS

    def local_timezone(self) -> dt.tzinfo:
        """The zone of the office's opening hours. One installation serves one kab/kota, whose
        zone (WIB, WITA or WIT) is settings.TIME_ZONE; Kota Palu is WITA (Asia/Makassar)."""
        return timezone.get_default_timezone()


class OpeningHours(models.Model):
    """One service period on one weekday, in the office's local time. Several rows per day are
    allowed (a Friday prayer break, evening service); offices.actions refuses overlaps."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("office"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("Exclusive; a period cannot run past midnight."))

    class Meta:
        ordering = ["office", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens__lt=F("closes")),
                name="opening_hours_opens_before_closes",
                violation_error_message=_("The opening time must be before the closing time."),
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_hours_weekday_0_to_6"),
            models.UniqueConstraint(fields=["office", "weekday", "opens"], name="unique_opening_hours_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self):
        # Same rule as the check constraint, with the times in the message.
        if self.weekday in Weekday.values and self.opens is not None and self.closes is not None:
            errors = rules.period_errors([(self.weekday, self.opens, self.closes)])
            if errors:
                raise ValidationError({"closes": errors})


class ClosedDay(models.Model):
    """A day without service: at one office, or at every office of a kab/kota (national
    holidays, cuti bersama) when `office` is empty."""

    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.CASCADE, related_name="closed_days", verbose_name=_("office")
    )
    regency = models.ForeignKey(
        Regency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closed_days",
        verbose_name=_("kabupaten/kota"),
        help_text=_("For a day without service at every office of the kab/kota; leave the office empty."),
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, help_text=_("e.g. Hari Raya Idul Fitri, cuti bersama"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        constraints = [
            # Exactly one scope, so an office's closed days are never stated twice in two ways.
            models.CheckConstraint(
                condition=Q(office__isnull=False, regency__isnull=True) | Q(office__isnull=True, regency__isnull=False),
                name="closed_day_one_scope",
                violation_error_message=_("Choose either one office or a whole kab/kota."),
            ),
            models.UniqueConstraint(
                fields=["office", "date"],
                condition=Q(office__isnull=False),
                name="unique_closed_day_per_office",
                violation_error_message=_("This office already has a closed day on that date."),
            ),
            models.UniqueConstraint(
                fields=["regency", "date"],
                condition=Q(regency__isnull=False),
                name="unique_closed_day_per_regency",
                violation_error_message=_("This kab/kota already has a closed day on that date."),
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.office or self.regency}: {self.reason}"

    def clean(self):
        if (self.office_id is None) == (self.regency_id is None):
            raise ValidationError({"office": _("Choose either one office or a whole kab/kota.")})


class Equipment(models.Model):
    """A recording set or card printer. Status and office change only through
    offices.actions, which writes an EquipmentStatusChange for each change."""

    Kind = EquipmentKind
    Status = EquipmentStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("office"))
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=EquipmentKind.choices,
        help_text=_("A recording set is PC, camera, fingerprint scanner, iris scanner and signature pad together."),
    )
    serial_number = models.CharField(_("serial number"), max_length=60, unique=True)
    label = models.CharField(_("label"), max_length=80, blank=True, help_text=_("e.g. Loket 2"))
    status = models.CharField(_("status"), max_length=12, choices=EquipmentStatus.choices, default=EquipmentStatus.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["office", "kind", "label", "serial_number"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        indexes = [models.Index(fields=["office", "status", "kind"], name="equipment_office_status_idx")]

    def __str__(self):
        name = self.label or self.serial_number
        return f"{name} ({self.get_kind_display()}, {self.get_status_display()})"


class EquipmentStatusChange(AppendOnlyModel):
    """Append-only history of an equipment: its registration, every status change and every
    move between offices (then from_status equals to_status)."""

    id = models.BigAutoField(primary_key=True)
    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="history", verbose_name=_("equipment"))
    from_status = models.CharField(
        _("from status"), max_length=12, choices=EquipmentStatus.choices, blank=True, help_text=_("Empty on registration.")
    )
    to_status = models.CharField(_("to status"), max_length=12, choices=EquipmentStatus.choices)
    from_office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("from office")
    )
    # Always set: where the equipment is after this entry, so its location at any time is known.
    to_office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("to office"))
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["equipment", "changed_at", "id"]
        verbose_name = _("equipment status change")
        verbose_name_plural = _("equipment status changes")

    def __str__(self):
        if self.is_move:
            return f"{self.equipment_id}: {self.from_office_id} -> {self.to_office_id}"
        return f"{self.equipment_id}: {self.from_status or '-'} -> {self.to_status}"

    @property
    def is_move(self) -> bool:
        return self.from_office_id is not None and self.from_office_id != self.to_office_id
