"""Public verification of a printed document's QR code (no login: anyone may check)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from adminduk.accounts.access import public_view

from . import verification

STATUS_CODES = {verification.VALID: 200, verification.SUPERSEDED: 200, verification.REVOKED: 200}


@public_view
@require_GET
def verify(request, token):
    verdict = verification.verify_token(token)
    context = {"verdict": verdict, "status": verdict.status}
    if verdict.document is not None:
        context |= {"document": verdict.document, "facts": verification.public_facts(verdict.document)}
    return render(request, "documents/verify.html", context, status=STATUS_CODES.get(verdict.status, 404))
