"""The blangko low-stock warning, shown on every print-operator page (central and node)."""

from django import template

from ..actions import stock

register = template.Library()


@register.inclusion_tag("printing/_low_stock.html")
def low_stock_warning(office):
    if office is None:
        return {"show": False}
    on_hand, left = stock.on_hand(office), stock.days_left(office)
    return {"show": stock.low_stock(office), "office": office, "on_hand": on_hand,
            "days_left": None if left is None else round(left, 1), "daily_use": round(stock.daily_use(office), 1)}
