"""Whose recording is it? The central decides from its own records, never from the packet.

* The office is the one the signing station is registered to (a node forwards only its own
  office's stations' packets, see sync.ingest).
* The resident's home kecamatan is where the central's registry has them living when the packet
  arrives; only for a NIK the registry does not hold is the packet's kecamatan taken, and then
  it is checked against the office like any other.
* An office may record the residents of its own area (a kecamatan office: its kecamatan; a Dinas
  office: its kab/kota). Anyone else is a recording away from home: legal, but an explicit case
  (OutsideHomeReview) that holds processing until a Dinas supervisor accepts or rejects it.
* A resident the registry holds as deceased is not recorded at all.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from adminduk.accounts.scoping import scope_of
from adminduk.audit.actions import record
from adminduk.enrollment import requests
from adminduk.enrollment.statuses import RequestStatus
from adminduk.offices.models import Office
from adminduk.population.choices import LifeStatus
from adminduk.sync.models import InboxPacket

from .models import OutsideHomeReview

OUTSIDE_HOME = "outside_home"  # rejection code when a supervisor rejects such a recording
DECEASED = "resident_deceased"
HELD_DETAIL = "held: recorded outside the home kecamatan, waiting for a Dinas supervisor"


def office_area(office: Office) -> str:
    """The code prefix an office serves: "72.71.08" (kecamatan office) or "72.71" (Dinas)."""
    return office.kecamatan_id if office.kind == Office.Kind.KECAMATAN and office.kecamatan_id else office.regency_id


def office_covers(office: Office, kecamatan_code: str) -> bool:
    area = office_area(office)
    return kecamatan_code == area or kecamatan_code.startswith(area + ".")


def home_kecamatan(resident, claimed: str) -> str:
    return resident.kelurahan.kecamatan_id if resident is not None else claimed


def is_deceased(resident) -> bool:
    return resident is not None and resident.life_status == LifeStatus.MATI


def open_review(request, *, inbox: InboxPacket, office: Office, home: str, data: dict) -> OutsideHomeReview:
    review, _created = OutsideHomeReview.objects.get_or_create(
        request=request,
        defaults={
            "packet_id": inbox.id,
            "office": office,
            "home_kecamatan_code": home,
            "claimed_kecamatan_code": str(data.get("kecamatan_code") or "")[:8],
            "claimed_office": str(data.get("office") or "")[:40],
        },
    )
    return review


def is_held(request_id) -> bool:
    """True while the request waits for (or was refused by) an outside-home decision."""
    return OutsideHomeReview.objects.filter(request_id=request_id).exclude(state=OutsideHomeReview.State.ACCEPTED).exists()


def reviews_for(user):
    """Open cases the user may decide: a Dinas supervisor's, for offices of their kab/kota."""
    scope = scope_of(user)
    if not scope.is_kota_wide:
        return OutsideHomeReview.objects.none()
    return (
        OutsideHomeReview.objects.filter(office__regency_id__in=sorted(scope.regency_codes))
        .select_related("request", "office")
        .order_by("created_at")
    )


def check_may_decide(user, review: OutsideHomeReview) -> None:
    scope = scope_of(user)
    if not (scope.is_kota_wide and review.office.regency_id in scope.regency_codes):
        raise PermissionDenied(_("Only a supervisor of the Dinas of the recording office decides this case."))


@transaction.atomic
def decide_outside_home(review: OutsideHomeReview, decision: str, *, reason: str, actor, http_request=None) -> OutsideHomeReview:
    """Accept (processing continues after the commit) or reject a recording away from home."""
    review = OutsideHomeReview.objects.select_for_update().select_related("office", "request").get(pk=review.pk)
    check_may_decide(actor, review)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the decision."), code="reason_required")
    if decision not in OutsideHomeReview.Decision.values:
        raise ValidationError(_("Choose one of the decisions."), code="bad_decision")
    if review.state != OutsideHomeReview.State.OPEN:
        raise ValidationError(_("This case has already been decided."), code="closed")
    request = review.request
    if decision == OutsideHomeReview.Decision.ACCEPT:
        review.state = OutsideHomeReview.State.ACCEPTED
        transaction.on_commit(lambda: _resume(review.packet_id))
    else:
        review.state = OutsideHomeReview.State.REJECTED
        requests.transition(
            request, RequestStatus.REJECTED, actor=actor, reason=reason, rejection_code=OUTSIDE_HOME,
            details={"outside_home_review": str(review.pk)},
        )  # fmt: skip
        InboxPacket.objects.filter(pk=review.packet_id).update(
            state=InboxPacket.State.FAILED, state_detail=f"rejected: recorded outside the home kecamatan ({reason})"[:300]
        )
    review.reason, review.decided_by, review.decided_at = reason[:300], actor, timezone.now()
    review.save()
    record(
        http_request, "adjudicate", actor=actor, object_type="outside_home_review", object_id=str(review.pk),
        kecamatan_code=review.home_kecamatan_code,
        details={"decision": decision, "reason": reason, "request": str(request.pk), "nik": request.nik, "office": review.office.code},
    )  # fmt: skip
    return review


# Sent when an accepted packet may go on; processing.tasks (loaded at start by the app config)
# enqueues it. A signal, because the tasks module sits above this one (it imports the pipeline).
review_accepted = Signal()


def _resume(packet_id) -> None:
    review_accepted.send(sender=OutsideHomeReview, packet_id=packet_id)
