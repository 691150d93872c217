"""No blangko: the office issues a surat keterangan pengganti KTP-el (suket) as a PDF with a
signed QR code. The request stays in the print queue (its card is printed when blangko comes);
the suket is recorded like a card.

The number comes from a block the central reserved for the office (documents.numbers: on a
node, its own block, so offline numbers never collide) and the document is signed with this
installation's key (documents.issuing: on a node, the node's key registered at the central).
On a node the document travels to the central as a documents event and the card record as a
printing event, both through the outbox."""

import datetime as dt
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.audit.actions import record
from adminduk.documents import issuing, numbers
from adminduk.documents.models import DocumentKind, IssuedDocument

from .. import events
from ..choices import CardKind, CardStatus, JobStatus
from ..errors import PrintingError
from ..models import Card, PrintJob
from . import stock

SUKET_VALID_DAYS = 180


def suket_payload(job: PrintJob, *, number: str, valid_until: dt.date) -> dict:
    """What the suket states (the card's fields), kept with the document and signed by its hash."""
    return {"number": number, "valid_until": valid_until.isoformat(), **{k: v for k, v in job.card_fields.items()}}


def content_bytes(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@transaction.atomic
def issue_suket(job: PrintJob, *, actor=None) -> IssuedDocument:
    job = PrintJob.objects.select_for_update(of=("self",)).select_related("office", "request").get(pk=job.pk)
    if job.status != JobStatus.QUEUED:
        raise PrintingError(_("A surat keterangan is issued only for a request waiting in the print queue."), code="not_queued")
    if stock.on_hand(job.office) > 0:
        raise PrintingError(_("There is blangko at this office: print the card instead."), code="blangko_available")
    today = timezone.localdate()
    valid_until = today + dt.timedelta(days=SUKET_VALID_DAYS)
    try:
        number = numbers.next_number(numbers.Series.SUKET, job.office)
    except numbers.NumbersUnavailable as exc:
        raise PrintingError(exc.message, code=exc.code) from exc
    payload = suket_payload(job, number=number, valid_until=valid_until)
    try:
        document = issuing.issue_document(DocumentKind.SUKET_KTP_EL, number, payload, content_bytes(payload), office=job.office, actor=actor,
                                          nik=job.nik, full_name=job.card_fields.get("nama", ""), valid_until=valid_until)
    except issuing.DocumentError as exc:
        raise PrintingError(exc.message, code=exc.code) from exc
    card = record_suket(job, number, actor=actor)
    events.emit("suket_issued", job.office, actor=actor, rows=[job], job=str(job.pk), card=str(card.pk), number=number)
    return document


def record_suket(job: PrintJob, number: str, *, actor=None, card_id=None) -> Card:
    """The suket in the card register (at the central also when a node's event brings it)."""
    card = Card.objects.create(
        **({"id": card_id} if card_id else {}), kind=CardKind.SUKET, request_id=job.request_id, job=job, nik=job.nik, serial=number,
        print_number=0, status=CardStatus.PICKED_UP, printed_at_office=job.office, office=job.office, document_number=number,
        printed_by=actor if getattr(actor, "pk", None) else None,
    )
    record(None, "create", actor=actor, object_type="suket", object_id=number, kecamatan_code=job.request.kecamatan_code,
           details={"nik": job.nik, "job": str(job.pk)})
    return card
