from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "adminduk.privacy"
    verbose_name = _("data protection (UU PDP)")
    default_auto_field = "django.db.models.BigAutoField"
