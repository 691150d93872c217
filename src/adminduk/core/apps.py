from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "adminduk.core"
    label = "core"
    verbose_name = "adminduk"
