"""`{% load enrollment_tags %}{% ktp_requests resident %}` shows a resident's e-KTP requests and
their journals, for the resident's page (the caller has already checked access to the resident)."""

from django import template

from ..models import KtpRequest

register = template.Library()


@register.inclusion_tag("enrollment/partials/resident_requests.html")
def ktp_requests(resident):
    rows = KtpRequest.objects.filter(nik=resident.nik).select_related("office").prefetch_related("events__office").order_by("-created_at")[:10]
    return {"ktp_requests": list(rows)}
