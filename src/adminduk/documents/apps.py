from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "adminduk.documents"
    label = "documents"
    verbose_name = _("Documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from adminduk.sync.signals import packet_stored

        from .inbox import on_packet_stored

        packet_stored.connect(on_packet_stored, dispatch_uid="documents.on_packet_stored")
