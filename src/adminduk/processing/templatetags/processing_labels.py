from django import template

from adminduk.enrollment.slots import BY_NAME
from adminduk.processing import labels

register = template.Library()


@register.filter
def slot_label(part: str) -> str:
    """A packet part ("finger_R2", "signature") as the recording page names it."""
    slot = BY_NAME.get(part)
    return str(slot.label) if slot else part


@register.filter
def check_label(code: str) -> str:
    """A de-duplication check that fired ("biometric", "same_nik") by its label."""
    return labels.reason_label(code or "")


@register.filter
def reason_label(reason: str) -> str:
    return labels.reason_label(reason or "")
