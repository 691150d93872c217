from django.db import models
from django.utils.translation import gettext_lazy as _


class EnrolledTemplate(models.Model):
    """The person-level templates of one e-KTP request in the de-duplication gallery: the source
    of truth the FAISS index is built from. Its row id is the index id."""

    id = models.BigAutoField(primary_key=True)
    reference_id = models.UUIDField(_("request"), unique=True)
    nik = models.CharField(_("NIK"), max_length=16, db_index=True, blank=True)
    face = models.BinaryField(_("face template"), null=True)
    finger = models.BinaryField(_("fingerprint template"), null=True)
    iris = models.BinaryField(_("iris template"), null=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("enrolled template")
        verbose_name_plural = _("enrolled templates")

    def __str__(self):
        return f"{self.reference_id} ({self.nik})"


class GalleryChange(models.Model):
    """Append-only log of insertions and removals. Every worker process keeps its own in-memory
    index and catches up by applying the changes after the last one it has seen; changes are
    written under the gallery lock, so their ids follow commit order."""

    class Op(models.TextChoices):
        INSERT = "insert", _("insert")
        REMOVE = "remove", _("remove")

    id = models.BigAutoField(primary_key=True)
    template = models.ForeignKey(EnrolledTemplate, on_delete=models.PROTECT, related_name="changes", verbose_name=_("template"))
    op = models.CharField(max_length=6, choices=Op.choices, verbose_name=_("operation"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("time"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("gallery change")
        verbose_name_plural = _("gallery changes")


class GalleryLock(models.Model):
    """One row, locked (SELECT ... FOR UPDATE) around every identify-and-insert so two workers
    never both miss each other's duplicate."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)

    class Meta:
        verbose_name = _("gallery lock")
        verbose_name_plural = _("gallery locks")
