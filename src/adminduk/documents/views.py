"""Public verification of a printed document's QR code (no login: anyone may check)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from adminduk.accounts.access import public_view

from . import signing
from .models import IssuedDocument


def _masked(nik: str) -> str:
    return nik[:6] + "******" + nik[-4:] if len(nik) == 16 else nik


@public_view
@require_GET
def verify(request, token):
    try:
        data = signing.verify(token)
    except signing.BadToken:
        return render(request, "documents/verify.html", {"valid": False}, status=404)
    document = IssuedDocument.objects.filter(pk=data["d"], number=data["n"]).select_related("office").first()
    if document is None:
        return render(request, "documents/verify.html", {"valid": False}, status=404)
    return render(request, "documents/verify.html", {"valid": True, "document": document, "nik": _masked(document.nik)})
