from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "adminduk.accounts"
    verbose_name = _("Accounts and access")

    def ready(self):
        from . import signals  # noqa: F401  (connects the audit receivers)
        from . import totp_keys

        totp_keys.install()  # TOTP secrets are stored sealed (accounts/totp_keys.py)
