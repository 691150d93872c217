from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Production operations: the application server, health and metrics, backup and restore
    of a node, deployment checks, the release record for upgrade tests."""

    name = "adminduk.ops"
    label = "ops"
    verbose_name = _("operations")

    def ready(self):
        from . import checks  # noqa: F401 - registers adminduk's deployment checks
