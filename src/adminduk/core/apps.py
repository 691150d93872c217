from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "adminduk.core"
    label = "core"
    verbose_name = "adminduk"

    def ready(self):
        from django.conf import settings

        from .files import tighten

        # Data files from before the umask (core/files.py) become owner-only too.
        tighten(settings.DATA_DIR, skip=(settings.STATIC_ROOT,))
