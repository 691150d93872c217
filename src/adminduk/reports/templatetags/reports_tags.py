import datetime as dt

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@register.filter
def cell(value):
    """A table cell: dates as d-m-Y, numbers in the locale's format, nothing as a dash."""
    if value is None or value == "":
        return "–"
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float):
        return formats.number_format(value, 1, use_l10n=True)
    if isinstance(value, int):
        return formats.number_format(value, 0, use_l10n=True, force_grouping=True)
    return value
