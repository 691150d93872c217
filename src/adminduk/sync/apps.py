from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "adminduk.sync"
    verbose_name = _("Synchronisation")

    def ready(self):
        from django.core import checks

        from .auth import check_batch_limit
        from .signals import packet_stored
        from .tasks import on_packet_stored

        checks.register(check_batch_limit)
        # One receiver applies the node events of every kind the apps register (sync.events).
        packet_stored.connect(on_packet_stored, dispatch_uid="sync.on_packet_stored")
