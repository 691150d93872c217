"""Public verification of a printed document's QR code (no login: anyone may check)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from adminduk.accounts.access import public_view

from . import verification

STATUS_CODES = {verification.VALID: 200, verification.SUPERSEDED: 200, verification.REVOKED: 200}
MAX_PDF_BYTES = 5 * 1024 * 1024


def _page(request, verdict, *, error: str = "", status: int | None = None):
    context = {"verdict": verdict, "status": verdict.status if verdict else "", "error": error}
    if verdict is not None and verdict.document is not None:
        context |= {"document": verdict.document, "facts": verification.public_facts(verdict.document)}
    code = status or (STATUS_CODES.get(verdict.status, 404) if verdict else 200)
    return render(request, "documents/verify.html", context, status=code)


@public_view
@require_GET
def verify(request, token):
    return _page(request, verification.verify_token(token))


@public_view
@require_http_methods(["GET", "POST"])
def check_pdf(request):
    """Upload a document's PDF: its QR code and its text are checked together."""
    from . import pdfcheck

    if request.method == "GET":
        return _page(request, None)
    upload = request.FILES.get("document")
    if upload is None or upload.size > MAX_PDF_BYTES:
        return _page(request, None, error=_("Choose the document's PDF file (at most 5 MB)."), status=400)
    try:
        verdict = verification.verify_pdf(upload.read())
    except pdfcheck.UnreadablePdf:
        return _page(request, None, error=_("No document QR code could be read from this file: is it the document's PDF?"), status=400)
    return _page(request, verdict)


@public_view
@require_GET
def key_file(request):
    """The published key list with the register of issued documents (by digest), for
    `adminduk verify --keys`: what the Dinas publishes for offline checks."""
    from django.http import HttpResponse

    from . import keys

    response = HttpResponse(keys.export_key_list(), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="adminduk-document-keys.json"'
    return response
