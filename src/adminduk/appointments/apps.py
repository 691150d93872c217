from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "adminduk.appointments"
    verbose_name = _("Appointments")

    def ready(self):
        from adminduk.sync.signals import packet_stored

        from . import applying  # noqa: F401  (registers its node events with sync.events)
        from . import signals  # noqa: F401  (capacity follows equipment, hours and closures)
        from .inbox import on_packet_stored

        packet_stored.connect(on_packet_stored, dispatch_uid="appointments.on_packet_stored")
