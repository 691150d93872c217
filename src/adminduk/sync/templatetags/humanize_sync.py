from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def kib(value) -> str:
    if not value:
        return "—"
    # Grouped in the user's language: 2.048 KiB in Indonesian, 2,048 KiB in English.
    return f"{number_format(round(value / 1024), 0, force_grouping=True)} KiB"


@register.filter
def kbit(value) -> str:
    """Bytes per second shown as kbit/s, as link speeds are sold."""
    if not value:
        return "—"
    return f"{number_format(round(value * 8 / 1000), 0, force_grouping=True)} kbit/s"
