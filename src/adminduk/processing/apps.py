from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessingConfig(AppConfig):
    name = "adminduk.processing"
    verbose_name = _("Central processing")

    def ready(self):
        from adminduk.sync.signals import packet_stored

        from .tasks import on_packet_stored

        packet_stored.connect(on_packet_stored, dispatch_uid="processing.on_packet_stored")
