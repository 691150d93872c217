"""Routing a print-ready request to a print queue, re-routing, and the daily quota (cards printed
at the office that day, whatever queue they came from)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.accounts.models import Certification
from adminduk.accounts.permissions import Role
from adminduk.audit.actions import record
from adminduk.enrollment.statuses import RequestStatus
from adminduk.offices.choices import EquipmentKind, EquipmentStatus
from adminduk.offices.models import Office

from .. import personalisation
from ..choices import CardKind, JobStatus, Priority
from ..errors import PrintingError
from ..models import BlangkoStock, Card, PrintJob, PrintQuota


def home_office(kecamatan_code: str):
    return Office.objects.filter(kind=Office.Kind.KECAMATAN, kecamatan_id=kecamatan_code, is_active=True).order_by("code").first()


def dinas_office(regency_code: str):
    office = Office.objects.filter(kind=Office.Kind.DINAS, regency_id=regency_code, is_active=True).order_by("code").first()
    if office is None:
        raise PrintingError(_("Kab/kota %(code)s has no active Dinas office to print at.") % {"code": regency_code}, code="no_dinas")
    return office


def place_of_issue(office) -> str:
    """The kab/kota's name without its kind, as printed beside the photo (e.g. PALU)."""
    name = office.regency.name
    for prefix in ("KABUPATEN ", "KOTA ", "Kabupaten ", "Kota "):
        name = name.removeprefix(prefix)
    return name


def quota_of(office) -> int:
    return PrintQuota.objects.filter(office=office).values_list("daily_cards", flat=True).first() or 0


def has_quota(office) -> bool:
    return PrintQuota.objects.filter(office=office).exists()


def printed_today(office) -> int:
    """KTP-el cards printed at `office` since local midnight (good cards, also those found bad
    later; a blank spoiled in the printer made no card). The daily quota counts these."""
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    return Card.objects.filter(printed_at_office=office, kind=CardKind.KTP_EL, printed_at__gte=start).count()


def quota_left(office) -> int | None:
    """Cards `office` may still print today; None when it has no quota (the Dinas)."""
    if not has_quota(office):
        return None
    return max(quota_of(office) - printed_today(office), 0)


def can_print_at(office) -> tuple[bool, str]:
    """Whether `office` can print a card today, and why not."""
    today = timezone.localdate()
    if not office.equipment.filter(kind=EquipmentKind.CARD_PRINTER, status=EquipmentStatus.ACTIVE).exists():
        return False, "no active card printer"
    if not BlangkoStock.objects.filter(office=office, quantity__gt=0).exists():
        return False, "no blangko in stock"
    operators = Certification.objects.filter(
        kind=Certification.Kind.PRINTING, trained_on__lte=today, valid_until__gte=today,
        user__is_active=True, user__role=Role.PRINT_OPERATOR, user__assignments__office=office,
    )
    if not operators.exists():
        return False, "no certified print operator"
    quota = quota_of(office)
    if printed_today(office) >= quota:
        return False, f"daily quota of {quota} reached"
    return True, "printer, blangko, certified operator and quota"


def priority_for(request) -> int:
    earlier = Card.objects.filter(nik=request.nik, kind=CardKind.KTP_EL).exclude(request=request).exists()
    return Priority.REPLACEMENT if earlier else Priority.FIRST_TIME


@transaction.atomic
def route(request, *, actor=None, recording=None) -> PrintJob:
    """Queue a print-ready request at the resident's kecamatan office when it can print today,
    else at the Dinas. Idempotent: an open job of the request is returned as it is."""
    from adminduk.population.models import Resident

    existing = PrintJob.objects.select_for_update().filter(request=request, status__in=[JobStatus.QUEUED, JobStatus.PRINTING]).first()
    if existing is not None:
        return existing
    if request.status != RequestStatus.PRINT_READY:
        raise PrintingError(_("Only a print-ready request goes to a print queue (this one is %(status)s).") % {"status": request.get_status_display()}, code="not_print_ready")
    resident = Resident.objects.select_related("kelurahan__kecamatan__regency__province").filter(nik=request.nik).first()
    if resident is None:
        raise PrintingError(_("NIK %(nik)s is not in the registry.") % {"nik": request.nik}, code="no_resident")
    home = home_office(request.kecamatan_code)
    # The quota is counted under a lock on the office row, so two routings never both take the last place.
    if home is not None:
        Office.objects.select_for_update().filter(pk=home.pk).first()
        ok, why = can_print_at(home)
    else:
        ok, why = False, "no kecamatan office"
    office = home if ok else dinas_office(request.kecamatan_code[:5])
    reason = why if ok else f"Dinas: {why}"
    deliver_to = home or office
    data = personalisation.from_packet(recording or request)
    job = PrintJob(
        request=request, nik=request.nik, office=office, deliver_to=deliver_to, priority=priority_for(request), routing_reason=reason,
        card_fields=personalisation.card_fields(resident, issued_at=place_of_issue(office), issued_on=timezone.localdate()),
        routed_on=timezone.localdate(),
    )
    job.set_media(**data)
    job.save(force_insert=True)
    record(None, "create", actor=actor, object_type="print_job", object_id=str(job.pk), kecamatan_code=request.kecamatan_code,
           details={"nik": request.nik, "office": office.code, "reason": reason})
    return job


@transaction.atomic
def reroute(job: PrintJob, to_office, *, reason: str, actor=None, urgent: bool | None = None) -> PrintJob:
    """A supervisor moves a queued job to another office's queue (or marks it urgent), with a reason."""
    job = PrintJob.objects.select_for_update().get(pk=job.pk)
    reason = (reason or "").strip()
    if not reason:
        raise PrintingError(_("Give the reason for the re-routing."), code="reason_required")
    if job.status != JobStatus.QUEUED:
        raise PrintingError(_("Only a queued print job can be re-routed."), code="not_queued")
    if to_office.regency_id != job.office.regency_id:
        raise PrintingError(_("The office is outside this kab/kota."), code="bad_office")
    before = job.office.code
    job.office = to_office
    job.routing_reason = f"{reason} ({actor.username if actor else 'system'})"[:300]
    if urgent is not None:
        job.priority = Priority.URGENT if urgent else priority_for(job.request)
    job.save(update_fields=["office", "routing_reason", "priority", "updated_at"])
    record(None, "update", actor=actor, object_type="print_job", object_id=str(job.pk), kecamatan_code=job.request.kecamatan_code,
           details={"nik": job.nik, "from": before, "to": to_office.code, "reason": reason, "priority": job.priority})
    return job


@transaction.atomic
def set_quota(office, daily_cards, *, actor=None) -> PrintQuota:
    from .stock import parse_quantity

    value = parse_quantity(daily_cards, allow_zero=True)
    quota, _created = PrintQuota.objects.update_or_create(office=office, defaults={"daily_cards": value, "set_by": actor if getattr(actor, "pk", None) else None})
    record(None, "update", actor=actor, object_type="print_quota", object_id=office.code, kecamatan_code=office.kecamatan_id or "", details={"daily_cards": value})
    return quota

