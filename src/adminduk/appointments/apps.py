from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "adminduk.appointments"
    verbose_name = _("Appointments")

    def ready(self):
        from . import applying  # noqa: F401  (registers its node events with sync.events; sync.tasks applies them)
        from . import signals  # noqa: F401  (capacity follows equipment, hours and closures)
