import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    RECEIVE = "receive", _("receive")
    VALIDATE = "validate", _("validate")
    DEMOGRAPHIC = "demographic", _("demographic check")
    BIOMETRIC = "biometric", _("biometric identification")
    DECIDE = "decide", _("decision")


STAGE_ORDER = [Stage.RECEIVE, Stage.VALIDATE, Stage.DEMOGRAPHIC, Stage.BIOMETRIC, Stage.DECIDE]


class StageResult(models.Model):
    """One finished stage of one packet. Written in the same transaction as the stage's effects,
    so a stage either happened completely (and is skipped when run again) or not at all."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("passed")
        FLAGGED = "flagged", _("flagged")
        REJECTED = "rejected", _("rejected")

    id = models.BigAutoField(primary_key=True)
    packet_id = models.UUIDField(_("packet"), db_index=True)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    request = models.ForeignKey("enrollment.KtpRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("request"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["packet_id", "id"]
        constraints = [models.UniqueConstraint(fields=["packet_id", "stage"], name="one_result_per_packet_stage")]
        verbose_name = _("stage result")
        verbose_name_plural = _("stage results")

    def __str__(self):
        return f"{self.packet_id} {self.stage}: {self.outcome}"


class Adjudication(models.Model):
    """A suspected duplicate for a supervisor to decide: the new request against what it matched."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        FLAGGED = "flagged", _("flagged for investigation")
        CLOSED = "closed", _("decided")

    class Decision(models.TextChoices):
        REJECT_NEW = "reject_new", _("same person — reject the new request")
        FLAG = "flag", _("same person — flag for investigation")
        RELEASE = "release", _("different persons — release")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.OneToOneField("enrollment.KtpRequest", on_delete=models.PROTECT, related_name="adjudication", verbose_name=_("new request"))
    matched_request = models.ForeignKey(
        "enrollment.KtpRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("best match")
    )
    # [{"request_id", "nik", "score", "modality_scores", "checks": ["biometric", "same_nik", "demographic"]}]
    candidates = models.JSONField(_("candidates"), default=list)
    checks = models.JSONField(_("checks that fired"), default=list)
    kecamatan_code = models.CharField(max_length=8, db_index=True, verbose_name=_("kecamatan code"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN, db_index=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("adjudication case")
        verbose_name_plural = _("adjudication cases")

    def __str__(self):
        return f"{self.request_id} ({self.state})"


class RequestDemographics(models.Model):
    """The fields the demographic check compares, kept per central request (opened once from the
    packet) so the check is a query, not a decryption of every earlier packet."""

    request = models.OneToOneField("enrollment.KtpRequest", primary_key=True, on_delete=models.PROTECT, related_name="demographics", verbose_name=_("request"))
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    full_name = models.CharField(_("full name"), max_length=120)
    name_key = models.CharField(max_length=120, verbose_name=_("name key"))
    birth_date = models.DateField(_("birth date"), db_index=True)
    mother_name = models.CharField(_("mother's name"), max_length=120, blank=True)
    mother_key = models.CharField(max_length=120, blank=True, verbose_name=_("mother key"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("request demographics")
        verbose_name_plural = _("request demographics")

    def __str__(self):
        return f"{self.nik} {self.full_name}"


class OutsideHomeReview(models.Model):
    """A recording made at an office whose area does not cover the resident's home kecamatan (as
    the central's registry has it when the packet arrives). Recording away from home is legal,
    so it is not refused: processing holds after the receive stage until a Dinas supervisor
    accepts (processing goes on) or rejects (the request is rejected), audited either way. The
    office is the signing station's registered office, never what the packet says."""

    class State(models.TextChoices):
        OPEN = "open", _("waiting for a decision")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    class Decision(models.TextChoices):
        ACCEPT = "accept", _("accept the recording away from home")
        REJECT = "reject", _("reject the request")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.OneToOneField(
        "enrollment.KtpRequest", on_delete=models.PROTECT, related_name="outside_home_review", verbose_name=_("request")
    )
    packet_id = models.UUIDField(_("packet"), db_index=True)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("recording office"))
    home_kecamatan_code = models.CharField(_("home kecamatan"), max_length=8, db_index=True)
    claimed_kecamatan_code = models.CharField(_("kecamatan written in the packet"), max_length=8, blank=True)
    claimed_office = models.CharField(_("office written in the packet"), max_length=40, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN, db_index=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("recording outside the home kecamatan")
        verbose_name_plural = _("recordings outside the home kecamatan")

    def __str__(self):
        return f"{self.request_id} at {self.office_id} ({self.state})"
