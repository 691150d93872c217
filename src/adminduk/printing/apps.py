from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    name = "adminduk.printing"
    label = "printing"
    verbose_name = _("Card printing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import applying  # noqa: F401  (registers its node events with sync.events; sync.tasks applies them)
        from . import signals  # noqa: F401  (routes a request to a print queue when it becomes print ready)
