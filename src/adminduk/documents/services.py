"""Issuing the rendered documents in one call: the number from the office's block, the content
the token signs, the signed record, and the PDF. What `civil` calls on approval:

    document = services.issue_rendered("kk", payload, office=office, actor=user, supersedes=old_kk)
    pdf = services.pdf_of(document, request)
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from . import issuing, numbers, rendering, signing
from .models import DocumentKind, IssuedDocument

SERIES_OF = {
    DocumentKind.KK: numbers.Series.KK,
    DocumentKind.AKTA_KELAHIRAN: numbers.Series.AKTA_KELAHIRAN,
    DocumentKind.AKTA_KEMATIAN: numbers.Series.AKTA_KEMATIAN,
    DocumentKind.SUKET_KTP_EL: numbers.Series.SUKET,
}


@transaction.atomic
def issue_rendered(
    kind: str,
    payload: dict,
    *,
    office,
    actor=None,
    number: str = "",
    kecamatan_code: str = "",
    supersedes: IssuedDocument | None = None,
    valid_until: dt.date | None = None,
) -> IssuedDocument:
    """Issue a KK, akta or KIA rendered by this app. Without `number`: a KK or akta number is
    drawn from the office's block (KK: of `kecamatan_code`, default the office's), a KIA is
    numbered by the child's NIK; give `number` to issue a new version of an existing one."""
    kind = DocumentKind(kind)
    if not number:
        if kind == DocumentKind.KIA:
            number = f"KIA-{payload.get('nik', '')}"
        else:
            number = numbers.next_number(SERIES_OF[kind], office, kecamatan_code=kecamatan_code)
    content = rendering.content_bytes(kind, number, payload)
    return issuing.issue_document(kind, number, payload, content, office=office, actor=actor, supersedes=supersedes, valid_until=valid_until)


def verify_url(document: IssuedDocument, request=None) -> str:
    path = reverse("documents:verify", args=[getattr(document, "token", None) or signing.token_for(document)])
    base = settings.ADMINDUK_PUBLIC_URL.rstrip("/")
    if base:
        return base + path
    return request.build_absolute_uri(path) if request is not None else path


def pdf_of(document: IssuedDocument, request=None, *, photo: bytes | None = None) -> bytes:
    """The document's PDF, its QR code pointing to the public verification page."""
    return rendering.render_pdf(document, verify_url(document, request), photo=photo)
