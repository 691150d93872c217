"""Residents' rights under UU 27/2022 (Pelindungan Data Pribadi): the Dinas' policy, withholdings
of audit entries from the data tracker, correction requests and objections to reads."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from adminduk.audit.purposes import LEGAL_CATEGORIES


class PrivacyPolicy(models.Model):
    """The Dinas' choices (one row, id 1; without it the defaults apply). Edited in the admin."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    show_operator_name = models.BooleanField(
        _("show the operator's username in the tracker"), default=False,
        help_text=_("Off: residents see the office and the role only."),
    )
    purpose_required_roles = models.JSONField(
        _("roles that must state a purpose to search"), default=list, blank=True,
        help_text=_('Role codes, e.g. ["kecamatan_operator", "verifier"].'),
    )
    correction_hours = models.PositiveIntegerField(_("hours to answer a correction request"), default=72)
    objection_days = models.PositiveIntegerField(_("days to answer an objection"), default=14)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("data protection policy")
        verbose_name_plural = _("data protection policy")

    def __str__(self):
        return str(_("data protection policy"))


class Withholding(models.Model):
    """Entries of one legal category (e.g. a police investigation) made from `covers_from` are
    kept out of residents' trackers until `until`; then they appear. Optionally only for one
    resident's tracker. Created and ended through privacy.actions, each step audited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    category = models.CharField(_("legal category"), max_length=24, choices=[(c.value, c.label) for c in LEGAL_CATEGORIES])
    subject_nik = models.CharField(_("only for this NIK"), max_length=16, blank=True, db_index=True)
    covers_from = models.DateTimeField(_("entries from"))
    until = models.DateTimeField(_("withheld until"), db_index=True)
    legal_basis = models.CharField(_("legal basis (letter, order number)"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    ended_early_at = models.DateTimeField(_("ended early at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("withholding of tracker entries")
        verbose_name_plural = _("withholdings of tracker entries")

    def __str__(self):
        return f"{self.get_category_display()} → {self.until:%Y-%m-%d}"

    def is_active(self, now=None) -> bool:
        return self.until > (now or timezone.now())


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("privacy case", "open")
    ANSWERED = "answered", _("answered")


class CorrectionRequest(models.Model):
    """A resident asks for a correction of their registry data, with evidence: a task for the
    staff of their kecamatan (or the Dinas) with a deadline and an answer."""

    class Field(models.TextChoices):
        NAME = "full_name", _("full name")
        BIRTH = "birth", _("place and date of birth")
        ADDRESS = "address", _("address")
        RELIGION = "religion", _("religion")
        MARITAL = "marital_status", _("marital status")
        OCCUPATION = "occupation", _("occupation")
        EDUCATION = "education", _("education")
        PARENTS = "parents", _("parents' names")
        KK = "kk", _("family card (KK)")
        OTHER = "other", _("something else")

    class Outcome(models.TextChoices):
        CORRECTED = "corrected", _("corrected")
        REFUSED = "refused", _("not corrected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resident = models.ForeignKey("population.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident"))
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    kecamatan_code = models.CharField(_("kecamatan"), max_length=8, db_index=True)
    field = models.CharField(_("what is wrong"), max_length=16, choices=Field.choices)
    requested_value = models.CharField(_("what it should be"), max_length=300)
    explanation = models.CharField(_("explanation"), max_length=1000, blank=True)
    evidence = models.BinaryField(_("evidence"), blank=True)
    evidence_type = models.CharField(_("evidence content type"), max_length=20, blank=True)
    evidence_sha256 = models.CharField(_("evidence SHA-256"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due by"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    answer = models.CharField(_("answer"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")

    def __str__(self):
        return f"{self.nik} {self.get_field_display()} ({self.get_status_display()})"

    def is_overdue(self, now=None) -> bool:
        return self.status == Status.OPEN and (now or timezone.now()) > self.due_at


class Objection(models.Model):
    """A resident does not recognise a read in their tracker: a case for the Dinas supervisor,
    answered in the portal."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resident = models.ForeignKey("population.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident"))
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    kecamatan_code = models.CharField(_("kecamatan"), max_length=8, db_index=True)
    entry = models.ForeignKey("audit.AuditEntry", on_delete=models.PROTECT, related_name="+", verbose_name=_("audit entry"))
    reason = models.CharField(_("why the read is not recognised"), max_length=1000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due by"))
    answer = models.CharField(_("answer"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("objection to a read")
        verbose_name_plural = _("objections to reads")
        constraints = [
            # Per resident: one entry (a name search, a KK read) can show several residents, and
            # each may object to it.
            models.UniqueConstraint(fields=["entry", "nik"], condition=models.Q(status="open"), name="one_open_objection_per_entry"),
        ]

    def __str__(self):
        return f"{self.nik} #{self.entry_id} ({self.get_status_display()})"


class ForwardCursor(models.Model):
    """On a node: the last audit entry forwarded to the central (privacy.node_reads)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(_("last forwarded audit entry"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("forwarding of reads to the central")
        verbose_name_plural = _("forwarding of reads to the central")

    def __str__(self):
        return str(self.last_id)
