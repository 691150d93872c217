import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuedDocument(models.Model):
    """A document issued on paper with a signed QR code that anyone can check (Permendagri
    109/2019): what the verification page shows is this row, found by the signed token."""

    class Kind(models.TextChoices):
        SUKET_KTP_EL = "suket_ktp_el", _("surat keterangan pengganti KTP-el")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=40, unique=True)
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    full_name = models.CharField(_("full name"), max_length=120)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing officer"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")

    def __str__(self):
        return f"{self.number} {self.nik}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
