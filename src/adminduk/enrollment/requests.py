"""Every change of an e-KTP request's status goes through `transition` (or `open_request` for
its first status), which writes the journal entry and the audit entry with it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from adminduk.audit.actions import record

from .models import KtpRequest, KtpRequestEvent
from .statuses import CLOSED, RequestStatus, can_move


class OpenRequestExists(ValidationError):
    pass


def open_request_for(nik: str, *, lock: bool = False) -> KtpRequest | None:
    """The person's open request, if any (what open_request would refuse on)."""
    requests = KtpRequest.objects.select_for_update() if lock else KtpRequest.objects
    return requests.filter(nik=nik).exclude(status__in=sorted(CLOSED)).first()


def open_request_refusal(existing: KtpRequest) -> OpenRequestExists:
    refusal = OpenRequestExists(
        _("NIK %(nik)s already has an open e-KTP request (%(status)s since %(date)s); it must be finished or rejected first.")
        % {"nik": existing.nik, "status": existing.get_status_display(), "date": existing.created_at.strftime("%d-%m-%Y")},
        code="open_request",
    )
    refusal.existing = existing
    return refusal


@transaction.atomic
def open_request(
    *,
    nik: str,
    office,
    kecamatan_code: str,
    status: str,
    resident=None,
    request_id=None,
    packet_id=None,
    actor=None,
    station=None,
    device_time: dt.datetime | None = None,
    reason: str = "",
    details: dict | None = None,
) -> KtpRequest:
    """Start a request in `status` (booked, checked_in or recorded on a node; received at the
    central). Refused while the person has an open request."""
    existing = open_request_for(nik, lock=True)
    if existing is not None:
        raise open_request_refusal(existing)
    fields = {"nik": nik, "office": office, "kecamatan_code": kecamatan_code, "status": status, "resident": resident, "packet_id": packet_id}
    if request_id is not None:
        fields["id"] = request_id
    request = KtpRequest.objects.create(**fields)
    _journal(request, "", status, actor=actor, station=station, device_time=device_time, reason=reason, details=details)
    return request


@transaction.atomic
def record_refused_request(
    *, request_id, nik: str, office, kecamatan_code: str, rejection_code: str, reason: str, packet_id=None,
    station=None, device_time: dt.datetime | None = None, details: dict | None = None,
) -> KtpRequest:
    """A request that arrives already refused (e.g. a second recording while one is open at the
    central): stored in `rejected` with its reason, journaled and audited like any other."""
    request = KtpRequest.objects.create(
        id=request_id, nik=nik, office=office, kecamatan_code=kecamatan_code, status=RequestStatus.REJECTED,
        rejection_code=rejection_code, rejection_reason=reason.strip()[:300], packet_id=packet_id,
    )
    _journal(request, "", RequestStatus.REJECTED, actor=None, station=station, device_time=device_time, reason=reason, details=details)
    return request


@transaction.atomic
def transition(
    request: KtpRequest,
    to_status: str,
    *,
    actor=None,
    station=None,
    device_time: dt.datetime | None = None,
    reason: str = "",
    rejection_code: str = "",
    details: dict | None = None,
) -> KtpRequest:
    """Move `request` to `to_status`; refused (ValidationError) when the move is not allowed.
    Moving to the status it already has is a no-op, so a retried step changes nothing."""
    request = KtpRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == to_status:
        return request
    if not can_move(request.status, to_status):
        raise ValidationError(
            _("An e-KTP request cannot go from %(from)s to %(to)s.")
            % {"from": RequestStatus(request.status).label, "to": RequestStatus(to_status).label},
            code="bad_transition",
        )
    if to_status == RequestStatus.REJECTED and not reason.strip():
        raise ValidationError(_("A rejection needs a reason."), code="reason_required")
    previous = request.status
    request.status = to_status
    update = ["status", "updated_at"]
    if to_status == RequestStatus.REJECTED:
        request.rejection_code, request.rejection_reason = rejection_code, reason.strip()[:300]
        update += ["rejection_code", "rejection_reason"]
    request.save(update_fields=update)
    _journal(request, previous, to_status, actor=actor, station=station, device_time=device_time, reason=reason, details=details)
    return request


def _journal(request, from_status, to_status, *, actor, station, device_time, reason, details):
    office = station.office if station is not None else None
    KtpRequestEvent.objects.create(
        request=request,
        from_status=from_status,
        to_status=to_status,
        device_time=device_time,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_username=getattr(actor, "username", "") or "",
        office=office or request.office,
        station=station,
        reason=reason.strip()[:300],
        details=details or {},
    )
    record(
        None,
        "update" if from_status else "create",
        actor=actor,
        station=station,
        device_time=device_time,
        object_type="ktp_request",
        object_id=str(request.pk),
        kecamatan_code=request.kecamatan_code,
        details={"nik": request.nik, "from": from_status, "to": to_status, **({"reason": reason} if reason else {})},
    )
