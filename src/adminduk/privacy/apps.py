from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "adminduk.privacy"
    verbose_name = _("data protection (UU PDP)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from . import policy
        from .models import PrivacyPolicy

        # A saved policy counts at once in this process (others within policy.CACHE_SECONDS).
        post_save.connect(policy.reset_on_save, sender=PrivacyPolicy, dispatch_uid="privacy_policy_reset")

        from adminduk.sync.signals import packet_stored

        from .tasks import on_packet_stored

        packet_stored.connect(on_packet_stored, dispatch_uid="privacy.on_packet_stored")
