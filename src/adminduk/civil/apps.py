from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivilConfig(AppConfig):
    name = "adminduk.civil"
    label = "civil"
    verbose_name = _("Civil registration")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from adminduk.sync.signals import packet_stored

        from . import applying  # noqa: F401  (registers its node events with sync.events)
        from .tasks import on_packet_stored

        packet_stored.connect(on_packet_stored, dispatch_uid="civil.on_packet_stored")
