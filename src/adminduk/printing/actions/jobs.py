"""Printing: taking jobs from a queue into a batch, printing each card (one blank consumed per
attempt), spoilage of a printed card, and replacement of a lost or damaged card.

Two print workers never print one request twice: jobs are claimed with SELECT ... FOR UPDATE
SKIP LOCKED and moved queued → printing under that lock; a card is created only from a job in
`printing`, locked; and the one_live_card_per_request constraint refuses a second live card."""

from django.db import transaction
from django.utils.translation import gettext as _

from adminduk.audit.actions import record
from adminduk.enrollment import requests as ktp_requests
from adminduk.enrollment.models import KtpRequest
from adminduk.enrollment.statuses import RequestStatus as S

from .. import events
from ..choices import CardKind, CardStatus, JobStatus, SpoilageReason
from ..errors import PrintingError
from ..models import Card, PrintBatch, PrintJob
from ..printers import get_printer
from . import routing, stock

MAX_BATCH = 100


def queue_of(office):
    return PrintJob.objects.filter(office=office, status=JobStatus.QUEUED).order_by("priority", "created_at", "id")


@transaction.atomic
def start_batch(office, *, actor=None, job_ids=None, limit: int = MAX_BATCH) -> PrintBatch:
    """Claim up to `limit` queued jobs of `office` (or exactly `job_ids`) into a new batch."""
    if not 1 <= int(limit) <= MAX_BATCH:
        raise PrintingError(_("A batch holds 1 to %(max)d cards.") % {"max": MAX_BATCH}, code="bad_limit")
    left = routing.quota_left(office)
    if left == 0:
        raise PrintingError(_("%(office)s has printed its daily quota of %(quota)d cards today; the queue waits until tomorrow.")
                            % {"office": office.name, "quota": routing.quota_of(office)}, code="quota_reached")
    jobs = queue_of(office).select_for_update(skip_locked=True)
    if job_ids is not None:
        jobs = jobs.filter(pk__in=list(job_ids))
    jobs = list(jobs[: min(int(limit), left) if left is not None else int(limit)])
    if not jobs:
        raise PrintingError(_("No queued card to print at %(office)s.") % {"office": office.name}, code="empty_queue")
    batch = PrintBatch.objects.create(office=office, created_by=actor if getattr(actor, "pk", None) else None)
    for job in jobs:
        request = KtpRequest.objects.select_for_update().get(pk=job.request_id)
        if request.status != S.PRINT_READY:
            raise PrintingError(_("NIK %(nik)s is not print ready (%(status)s).") % {"nik": job.nik, "status": request.get_status_display()}, code="not_print_ready")
        ktp_requests.transition(request, S.PRINTING, actor=actor, details={"batch": str(batch.pk), "job": str(job.pk)})
        job.status, job.batch = JobStatus.PRINTING, batch
        job.save(update_fields=["status", "batch", "updated_at"])
    record(None, "create", actor=actor, object_type="print_batch", object_id=str(batch.pk), kecamatan_code=office.kecamatan_id or "",
           details={"office": office.code, "jobs": len(jobs)})
    return batch


def print_number_for(nik: str) -> int:
    return Card.objects.filter(nik=nik, kind=CardKind.KTP_EL).count() + 1


@transaction.atomic
def record_print(job: PrintJob, *, ok: bool, serial: str = "", spoilage_reason: str = "", chip: dict | None = None, actor=None,
                 event_id=None, device_time=None, card_id=None) -> Card | None:
    """The printer's result for one printing job: a good card (one consumption; the request is
    printed, and at the office at once when printed where it is picked up) or a spoiled blank
    (one spoilage; the job goes back to the queue and the request to print ready)."""
    job = PrintJob.objects.select_for_update(of=("self",)).select_related("office", "deliver_to").get(pk=job.pk)
    if job.status != JobStatus.PRINTING:
        raise PrintingError(_("This card is not being printed (its job is %(status)s).") % {"status": job.get_status_display()}, code="not_printing")
    request = KtpRequest.objects.select_for_update().get(pk=job.request_id)
    job.attempts += 1
    if not ok:
        if spoilage_reason not in SpoilageReason.values:
            spoilage_reason = SpoilageReason.MISPRINT
        stock.spoil(job.office, spoilage_reason, actor=actor, note=f"NIK {job.nik}", event_id=event_id)
        job.status, job.batch = JobStatus.QUEUED, None
        job.save(update_fields=["status", "batch", "attempts", "updated_at"])
        ktp_requests.transition(request, S.PRINT_READY, actor=actor, device_time=device_time, reason=f"spoiled: {spoilage_reason}")
        events.emit("print_spoiled", job.office, actor=actor, rows=[job], job=str(job.pk), reason=spoilage_reason)
        return None
    if not serial:
        raise PrintingError(_("A printed card needs its chip serial."), code="serial_required")
    at_home = job.office_id == job.deliver_to_id
    card = Card.objects.create(
        **({"id": card_id} if card_id else {}), request=request, job=job, nik=job.nik, serial=serial, print_number=print_number_for(job.nik),
        status=CardStatus.AT_OFFICE if at_home else CardStatus.PRINTED, printed_at_office=job.office, office=job.deliver_to,
        chip_result=chip or {}, printed_by=actor if getattr(actor, "pk", None) else None,
    )
    stock.consume(job.office, card=card, actor=actor, event_id=event_id)
    job.status = JobStatus.PRINTED
    job.save(update_fields=["status", "attempts", "updated_at"])
    ktp_requests.transition(request, S.PRINTED, actor=actor, device_time=device_time, details={"card": serial, "office": job.office.code})
    if at_home:
        ktp_requests.transition(request, S.AT_OFFICE, actor=actor, device_time=device_time, details={"card": serial})
    events.emit("printed", job.office, actor=actor, rows=[job, card], job=str(job.pk), card=str(card.pk), serial=serial, chip=chip or {})
    return card


def print_batch(batch: PrintBatch, *, actor=None, printer=None) -> dict:
    """Send every printing job of `batch` to the printer; one transaction per card, so a stop
    half-way keeps what was printed. When the blangko runs out (another worker may have taken
    the last one) the rest goes back to the queue. Returns {"printed": [...], "spoiled": n, "released": n}."""
    printer = printer or get_printer()
    printed, spoiled = [], 0
    for job in list(batch.jobs.filter(status=JobStatus.PRINTING).order_by("priority", "created_at")):
        if stock.on_hand(job.office) < 1 or routing.quota_left(job.office) == 0:
            break
        result = printer.print_card(job, attempt=job.attempts + 1)
        try:
            card = record_print(job, ok=result.ok, serial=result.chip_serial, spoilage_reason=result.spoilage_reason, chip=result.chip, actor=actor)
        except PrintingError as exc:
            if exc.code == "out_of_stock":
                break
            raise
        if card is None:
            spoiled += 1
        else:
            printed.append(card)
    released = release_unprinted(batch, actor=actor, reason="no blangko or daily quota left")
    return {"printed": printed, "spoiled": spoiled, "released": released}


@transaction.atomic
def release_unprinted(batch: PrintBatch, *, actor=None, reason: str = "") -> int:
    """Jobs of a batch that were not printed (no blangko left, printer off) go back to the queue."""
    count = 0
    for job in PrintJob.objects.select_for_update().filter(batch=batch, status=JobStatus.PRINTING):
        job.status, job.batch = JobStatus.QUEUED, None
        job.save(update_fields=["status", "batch", "updated_at"])
        ktp_requests.transition(job.request, S.PRINT_READY, actor=actor, reason=reason or "not printed")
        count += 1
    return count


@transaction.atomic
def spoil_card(card: Card, reason: str, *, actor=None, note: str = "", event_id=None) -> PrintJob:
    """A printed card found bad (misprint, chip failure, damage) before handover: invalidated and
    printed again; its blank was consumed at print, so the spoilage books no further blank."""
    card = Card.objects.select_for_update().get(pk=card.pk)
    if card.status not in (CardStatus.PRINTED, CardStatus.IN_TRANSIT, CardStatus.AT_OFFICE):
        raise PrintingError(_("Card %(serial)s is %(status)s; it cannot be spoiled now.") % {"serial": card.serial, "status": card.get_status_display()}, code="bad_card_state")
    if reason not in SpoilageReason.values:
        raise PrintingError(_("Choose the reason for the spoilage: misprint, chip failure or damage."), code="bad_reason")
    card.status, card.invalidated_reason = CardStatus.SPOILED, f"{reason}: {note}".strip(": ")[:300]
    card.save(update_fields=["status", "invalidated_reason", "updated_at"])
    stock.spoil(card.printed_at_office, reason, quantity=0, card=card, actor=actor, note=note, event_id=event_id)
    job = _reprint(card, actor=actor, reason=f"spoiled: {reason}")
    events.emit("card_spoiled", card.printed_at_office, actor=actor, rows=[card, job], serial=card.serial, reason=reason, note=note)
    return job


def _reprint(card: Card, *, actor, reason: str) -> PrintJob:
    job = PrintJob.objects.select_for_update().get(pk=card.job_id)
    ktp_requests.transition(card.request, S.PRINT_READY, actor=actor, reason=reason)
    job.status, job.batch = JobStatus.QUEUED, None
    job.save(update_fields=["status", "batch", "updated_at"])
    return job


@transaction.atomic
def replace_card(nik: str, reason: str, *, actor=None) -> PrintJob:
    """A picked-up card lost or damaged: the old card is invalidated and a new print-ready
    request (the same recording, a new print number) goes to the queue."""
    from .routing import route

    reason = (reason or "").strip()
    if not reason:
        raise PrintingError(_("Give the reason for the replacement (lost, damaged, data changed)."), code="reason_required")
    old = Card.objects.select_for_update().filter(nik=nik, kind=CardKind.KTP_EL, status=CardStatus.PICKED_UP).order_by("-printed_at").first()
    if old is None:
        raise PrintingError(_("NIK %(nik)s has no card in the holder's hands to replace.") % {"nik": nik}, code="no_card")
    old.status, old.invalidated_reason = CardStatus.INVALIDATED, reason[:300]
    old.save(update_fields=["status", "invalidated_reason", "updated_at"])
    previous = old.request
    request = ktp_requests.open_request(
        nik=nik, office=previous.office, kecamatan_code=previous.kecamatan_code, status=S.PRINT_READY, resident=previous.resident,
        packet_id=None, actor=actor, reason=f"replacement: {reason}", details={"replaces_card": old.serial, "recording": str(previous.pk)},
    )
    record(None, "update", actor=actor, object_type="card", object_id=old.serial, kecamatan_code=previous.kecamatan_code,
           details={"nik": nik, "invalidated": reason, "new_request": str(request.pk)})
    return route(request, actor=actor, recording=previous)
