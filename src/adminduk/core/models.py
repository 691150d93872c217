"""Model building blocks shared by every app."""

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk update/delete would bypass the model's refusal, so they refuse too."""

    def update(self, **kwargs):
        raise PermissionError(f"{self.model._meta.verbose_name_plural} are append-only")

    def delete(self):
        raise PermissionError(f"{self.model._meta.verbose_name_plural} are append-only")


class AppendOnlyModel(models.Model):
    """A journal row (history, audit): written once, never changed or deleted by the
    application. The audit log's database triggers add the same refusal for other clients."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{self._meta.verbose_name_plural} are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name_plural} are append-only")
