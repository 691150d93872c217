from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    name = "adminduk.printing"
    label = "printing"
    verbose_name = _("Card printing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401  (routes a request to a print queue when it becomes print ready)
