from django import template

from adminduk.audit import labels

register = template.Library()


@register.filter
def object_type_label(code: str) -> str:
    return labels.object_type_label(code or "")


@register.filter
def role_label(code: str) -> str:
    return labels.role_label(code or "") if code else ""
