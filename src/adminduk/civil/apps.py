from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivilConfig(AppConfig):
    name = "adminduk.civil"
    label = "civil"
    verbose_name = _("Civil registration")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import applying  # noqa: F401  (registers its node events with sync.events; sync.tasks applies them)
