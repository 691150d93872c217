from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "adminduk.queueing"
    verbose_name = _("Queue and invitations")
