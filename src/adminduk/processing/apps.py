from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessingConfig(AppConfig):
    name = "adminduk.processing"
    verbose_name = _("Central processing")
