from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "adminduk.sync"
    verbose_name = _("Synchronisation")

    def ready(self):
        from django.core import checks

        from .auth import check_batch_limit

        checks.register(check_batch_limit)
