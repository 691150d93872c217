import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from adminduk.core.models import AppendOnlyModel
from adminduk.regions.models import Kelurahan

from . import rules
from .choices import (
    BloodType,
    Citizenship,
    Education,
    LifeStatus,
    MaritalStatus,
    Occupation,
    Relationship,
    Religion,
    Sex,
)


class Resident(models.Model):
    """One person in the registry. Changes go through population.actions, which keeps the
    before/after of every change in ResidentEvent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    full_name = models.CharField(_("full name"), max_length=120)
    birth_place = models.CharField(_("place of birth"), max_length=60)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    blood_type = models.CharField(_("blood type"), max_length=3, choices=BloodType.choices, default=BloodType.UNKNOWN)
    religion = models.CharField(_("religion"), max_length=12, choices=Religion.choices)
    marital_status = models.CharField(_("marital status"), max_length=12, choices=MaritalStatus.choices)
    marriage_date = models.DateField(_("date of marriage"), null=True, blank=True)
    divorce_date = models.DateField(_("date of divorce"), null=True, blank=True)
    occupation = models.CharField(_("occupation"), max_length=24, choices=Occupation.choices)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices)
    citizenship = models.CharField(_("citizenship"), max_length=3, choices=Citizenship.choices, default=Citizenship.WNI)
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    kitap_number = models.CharField(_("KITAP number"), max_length=30, blank=True)
    father_name = models.CharField(_("father's name"), max_length=120, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=120, blank=True)
    # No index of its own: resident_address_idx (kelurahan, rw, rt) serves every lookup by
    # kelurahan, and one index fewer per resident speeds up bulk imports.
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="residents", verbose_name=_("kelurahan/desa"), db_index=False
    )
    rw = models.CharField(_("RW"), max_length=3)
    rt = models.CharField(_("RT"), max_length=3)
    address = models.CharField(_("address"), max_length=200)
    # E.164 (+628...), checked by messaging.phones; sign-in codes and appointment messages go here.
    phone = models.CharField(_("mobile phone number"), max_length=16, blank=True)
    life_status = models.CharField(_("life status"), max_length=8, choices=LifeStatus.choices, default=LifeStatus.HIDUP)
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["nik"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [
            models.Index(fields=["kelurahan", "rw", "rt"], name="resident_address_idx"),
            models.Index(fields=["full_name", "birth_date"], name="resident_name_birth_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Exact(Length("nik"), 16), name="resident_nik_16_chars"),
        ]

    def __str__(self):
        return f"{self.nik} {self.full_name}"

    def parsed_nik(self) -> rules.ParsedNumber:
        return rules.parse_nik(self.nik, registry_birth_date=self.birth_date, registry_sex=self.sex)

    def is_wajib_ktp(self, on) -> bool:
        return rules.is_wajib_ktp(
            birth_date=self.birth_date,
            marital_status=self.marital_status,
            on=on,
            citizenship=self.citizenship,
            has_kitap=bool(self.kitap_number),
            life_status=self.life_status,
        )

    @property
    def current_membership(self):
        return self.memberships.select_related("family").filter(family__status=Family.Status.ACTIVE).first()


class Family(models.Model):
    """A Kartu Keluarga. Any change of composition issues a new KK; the old one is kept as superseded."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUPERSEDED = "superseded", _("superseded")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kk_number = models.CharField(_("KK number"), max_length=16, unique=True)
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, related_name="families", verbose_name=_("kelurahan/desa"))
    rw = models.CharField(_("RW"), max_length=3)
    rt = models.CharField(_("RT"), max_length=3)
    address = models.CharField(_("address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    issued_on = models.DateField(_("date of issue"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes", verbose_name=_("superseded by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["kk_number"]
        verbose_name = _("family card (KK)")
        verbose_name_plural = _("family cards (KK)")
        constraints = [
            models.CheckConstraint(condition=Exact(Length("kk_number"), 16), name="family_kk_16_chars"),
        ]

    def __str__(self):
        return f"KK {self.kk_number}"

    @property
    def head(self):
        member = self.members.filter(relationship=Relationship.KEPALA_KELUARGA).select_related("resident").first()
        return member.resident if member else None


class FamilyMember(models.Model):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="members", verbose_name=_("family"))
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("resident"))
    relationship = models.PositiveSmallIntegerField(_("relationship to head (SHDK)"), choices=Relationship.choices)

    class Meta:
        ordering = ["family", "relationship"]
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        constraints = [
            models.UniqueConstraint(fields=["family", "resident"], name="unique_member_per_family"),
            # At most one head per KK in the database; "at least one" is checked by the actions.
            models.UniqueConstraint(
                fields=["family"], condition=models.Q(relationship=1), name="one_head_per_family"
            ),
        ]

    def __str__(self):
        return f"{self.family.kk_number}: {self.resident_id} ({self.get_relationship_display()})"


class ResidentEvent(AppendOnlyModel):
    """Append-only history of a resident: life events, moves and corrections, with the values
    before and after. Rows are never updated or deleted."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("registered")
        BORN = "born", _("birth")
        MOVED = "moved", _("moved")
        MARRIED = "married", _("marriage")
        DIVORCED = "divorced", _("divorce")
        WIDOWED = "widowed", _("spouse died")
        DIED = "died", _("death")
        CORRECTED = "corrected", _("data corrected")
        FAMILY_CHANGED = "family_changed", _("family card changed")

    id = models.BigAutoField(primary_key=True)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="events", verbose_name=_("resident"))
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    occurred_on = models.DateField(_("date of event"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    changes = models.JSONField(_("changes"), default=dict, help_text=_("field: [before, after]"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["resident", "recorded_at", "id"]
        verbose_name = _("resident event")
        verbose_name_plural = _("resident history")

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_on}"


class SerialCounter(models.Model):
    """Last serial issued per NIK or KK prefix (region + date). Locked row by row so concurrent
    allocations never hand out the same number."""

    class Kind(models.TextChoices):
        NIK = "nik", "NIK"
        KK = "kk", "KK"

    kind = models.CharField(max_length=3, choices=Kind.choices, verbose_name=_("kind"))
    prefix = models.CharField(max_length=12, verbose_name=_("prefix"))
    last_serial = models.PositiveIntegerField(default=0, verbose_name=_("last serial"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "prefix"], name="unique_serial_counter")]
        verbose_name = _("serial counter")
        verbose_name_plural = _("serial counters")

    def __str__(self):
        return f"{self.kind} {self.prefix}: {self.last_serial:04d}"
