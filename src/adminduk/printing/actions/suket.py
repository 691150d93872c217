"""No blangko: the office issues a surat keterangan pengganti KTP-el (suket) as a PDF with a
signed QR code. The request stays in the print queue (its card is printed when blangko comes);
the suket is recorded like a card."""

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record
from adminduk.documents.models import IssuedDocument

from ..choices import CardKind, CardStatus, JobStatus
from ..errors import PrintingError
from ..models import Card, PrintJob
from . import stock

SUKET_VALID_DAYS = 180


@transaction.atomic
def issue_suket(job: PrintJob, *, actor=None) -> IssuedDocument:
    job = PrintJob.objects.select_for_update(of=("self",)).select_related("office").get(pk=job.pk)
    if job.status != JobStatus.QUEUED:
        raise PrintingError(_("A surat keterangan is issued only for a request waiting in the print queue."), code="not_queued")
    if stock.on_hand(job.office) > 0:
        raise PrintingError(_("There is blangko at this office: print the card instead."), code="blangko_available")
    today = timezone.localdate()
    number = f"SKT/{job.office.code.upper()}/{today:%Y%m%d}/{uuid.uuid4().hex[:6].upper()}"
    document = IssuedDocument.objects.create(
        kind=IssuedDocument.Kind.SUKET_KTP_EL, number=number, nik=job.nik, full_name=job.card_fields.get("nama", ""), office=job.office,
        issued_by=actor if getattr(actor, "pk", None) else None, valid_until=today + dt.timedelta(days=SUKET_VALID_DAYS),
    )
    Card.objects.create(
        kind=CardKind.SUKET, request_id=job.request_id, job=job, nik=job.nik, serial=number, print_number=0, status=CardStatus.PICKED_UP,
        printed_at_office=job.office, office=job.office, document_number=number, printed_by=actor if getattr(actor, "pk", None) else None,
    )
    record(None, "create", actor=actor, object_type="suket", object_id=number, kecamatan_code=job.request.kecamatan_code,
           details={"nik": job.nik, "job": str(job.pk)})
    return document
