import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    SUKET_KTP_EL = "suket_ktp_el", _("surat keterangan pengganti KTP-el")
    KK = "kk", _("kartu keluarga")
    AKTA_KELAHIRAN = "akta_kelahiran", _("akta kelahiran")
    AKTA_KEMATIAN = "akta_kematian", _("akta kematian")
    KIA = "kia", _("kartu identitas anak")


class IssuedDocument(models.Model):
    """A document issued on paper with a signed QR code that anyone can check (Permendagri
    109/2019): what the verification page shows is this row, found by the signed token.
    A document number may have several versions (a corrected akta); a new KK has a new number
    and supersedes the old KK."""

    Kind = DocumentKind

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    nik = models.CharField("NIK", max_length=16, db_index=True)
    full_name = models.CharField(_("full name"), max_length=120)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("operator"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    payload = models.JSONField(_("document data"), default=dict, blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)
    key_id = models.CharField(_("signing key"), max_length=16, blank=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("superseded by"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("revoked by"))
    revocation_reason = models.CharField(_("reason"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        constraints = [models.UniqueConstraint(fields=["number", "version"], name="documents_number_version_unique")]

    def __str__(self):
        return f"{self.number} v{self.version} {self.nik}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.superseded_at is None

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.superseded_at is not None:
            return "superseded"
        return "valid"


class NumberSeries(models.Model):
    """Where the next block of a number series starts within one scope (a kab/kota for akta and
    suket numbers, a kecamatan for KK numbers). Only the central writes it, under a row lock."""

    class Series(models.TextChoices):
        AKTA_KELAHIRAN = "akta_kelahiran", _("akta kelahiran")
        AKTA_KEMATIAN = "akta_kematian", _("akta kematian")
        KK = "kk", _("nomor KK")
        SUKET = "suket", _("surat keterangan")

    series = models.CharField(_("series"), max_length=20, choices=Series.choices)
    scope = models.CharField(_("region code"), max_length=13)
    next_first = models.PositiveIntegerField(_("next free serial"))

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        constraints = [models.UniqueConstraint(fields=["series", "scope"], name="documents_series_scope_unique")]

    def __str__(self):
        return f"{self.series} {self.scope}"


class NumberBlock(models.Model):
    """Serials `first`..`last` of a series within a scope, held by one office at one place (its
    node, or the central): each day that holder issues numbers from its own range and no one
    else does, so numbers issued offline never collide."""

    class Holder(models.TextChoices):
        NODE = "node", _("the office's node")
        CENTRAL = "central", _("the central")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    series = models.CharField(_("series"), max_length=20, choices=NumberSeries.Series.choices)
    scope = models.CharField(_("region code"), max_length=13)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    holder = models.CharField(_("held by"), max_length=10, choices=Holder.choices)
    first = models.PositiveIntegerField(_("first serial"))
    last = models.PositiveIntegerField(_("last serial"))
    created_at = models.DateTimeField(_("reserved at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["series", "scope", "first"]
        verbose_name = _("number block")
        verbose_name_plural = _("number blocks")
        constraints = [models.UniqueConstraint(fields=["series", "scope", "first"], name="documents_block_start_unique")]

    def __str__(self):
        return f"{self.series} {self.scope} {self.first}-{self.last} ({self.office_id}, {self.holder})"

    @property
    def size(self) -> int:
        return self.last - self.first + 1


class NumberUse(models.Model):
    """How many serials of a block its holder has used on one day (the only counter, advanced
    only where the block is held)."""

    block = models.ForeignKey(NumberBlock, on_delete=models.PROTECT, related_name="uses", verbose_name=_("number block"))
    day = models.DateField(_("day"))
    used = models.PositiveIntegerField(_("serials used"), default=0)

    class Meta:
        verbose_name = _("number use")
        verbose_name_plural = _("number uses")
        constraints = [models.UniqueConstraint(fields=["block", "day"], name="documents_use_block_day_unique")]

    def __str__(self):
        return f"{self.block_id} {self.day}: {self.used}"


class SigningKey(models.Model):
    """A document-signing Ed25519 public key: the central's own or a node's (generated on the
    node, registered here through the node's signed channel). The published key list is made
    of these; a revoked key no longer verifies anything it signed after `revoked_at`."""

    key_id = models.CharField(_("key id"), max_length=16, primary_key=True)
    public_key = models.CharField(_("public key (Ed25519, base64)"), max_length=64, unique=True)
    office = models.ForeignKey("offices.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    role = models.CharField(_("held by"), max_length=10, choices=NumberBlock.Holder.choices)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["registered_at"]
        verbose_name = _("document signing key")
        verbose_name_plural = _("document signing keys")

    def __str__(self):
        return self.key_id
