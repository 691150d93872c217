from django import template

from adminduk.planning.text import rupiah as _rupiah

register = template.Library()


@register.filter
def rupiah(amount) -> str:
    """1050000000 -> 'Rp 1.050.000.000'."""
    if amount in (None, ""):
        return "—"
    return _rupiah(int(amount))
