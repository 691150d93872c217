from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiometricsConfig(AppConfig):
    name = "adminduk.biometrics"
    verbose_name = _("Biometrics")
