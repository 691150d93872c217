from django import template

register = template.Library()


@register.filter
def kib(value) -> str:
    if not value:
        return "—"
    return f"{value / 1024:,.0f} KiB"


@register.filter
def kbit(value) -> str:
    """Bytes per second shown as kbit/s, as link speeds are sold."""
    if not value:
        return "—"
    return f"{value * 8 / 1000:,.0f} kbit/s"
