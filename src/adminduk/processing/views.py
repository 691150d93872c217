"""Adjudication of suspected duplicates (supervisors). Thin views over pipeline.decide.
Images are opened from the sealed packets at request time and streamed, never written to disk."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from adminduk.accounts.access import staff_view
from adminduk.accounts.permissions import Permission
from adminduk.accounts.scoping import scope_of
from adminduk.audit.actions import record
from adminduk.biometrics.abis import AbisError
from adminduk.biometrics.matching import MatcherUnavailable
from adminduk.enrollment import packets, previews, sealing
from adminduk.enrollment.models import KtpRequest
from adminduk.sync.models import InboxPacket

from . import jurisdiction, pipeline
from .models import Adjudication, OutsideHomeReview, RequestDemographics

SHOWN_PARTS = ("face", *pipeline.FINGER_PARTS, "iris_R", "iris_L", "signature")


def _case_for(user, case_id) -> Adjudication:
    case = get_object_or_404(Adjudication.objects.select_related("request", "matched_request"), pk=case_id)
    scope = scope_of(user)
    # Both records are shown (photo, fingerprints, demographics): both must be in jurisdiction.
    matched = case.matched_request.kecamatan_code if case.matched_request else case.kecamatan_code
    if not (scope.covers(case.kecamatan_code) and scope.covers(matched)):
        raise PermissionDenied(_("This case is outside your jurisdiction."))
    return case


def _side(request_obj: KtpRequest | None) -> dict:
    if request_obj is None:
        return {}
    demo = RequestDemographics.objects.filter(request=request_obj).first()
    return {
        "request": request_obj,
        "rows": [
            (_("NIK"), request_obj.nik),
            (_("Full name"), demo.full_name if demo else ""),
            (_("Birth date"), demo.birth_date.strftime("%d-%m-%Y") if demo else ""),
            (_("Mother's name"), demo.mother_name if demo else ""),
            (_("Office"), request_obj.office.name),
            (_("Kecamatan"), request_obj.kecamatan_code),
            (_("Status"), f"{request_obj.get_status_display()} ({request_obj.siak_status})"),
            (_("Recorded"), request_obj.created_at.strftime("%d-%m-%Y %H:%M")),
        ],
    }


@staff_view(Permission.APPROVE)
@require_GET
def case_list(request):
    scope = scope_of(request.user)
    cases = (
        Adjudication.objects.filter(scope.q_code("kecamatan_code"), state__in=[Adjudication.State.OPEN, Adjudication.State.FLAGGED])
        # A case whose other record lies outside the jurisdiction is for the Dinas to decide.
        .filter(Q(matched_request__isnull=True) | scope.q_code("matched_request__kecamatan_code"))
        .select_related("request", "matched_request")
        .order_by("created_at")
    )
    reviews = jurisdiction.reviews_for(request.user).filter(state=OutsideHomeReview.State.OPEN)
    record(request, "view", object_type="adjudication_list", details={"count": cases.count(), "outside_home": reviews.count()})
    return render(request, "processing/case_list.html", {"cases": cases, "reviews": reviews})


@staff_view(Permission.APPROVE)
@require_http_methods(["GET", "POST"])
def outside_home_detail(request, review_id):
    """A recording away from the resident's home kecamatan, for the Dinas to accept or reject."""
    review = get_object_or_404(OutsideHomeReview.objects.select_related("request", "office"), pk=review_id)
    jurisdiction.check_may_decide(request.user, review)
    if request.method == "POST":
        try:
            jurisdiction.decide_outside_home(
                review, request.POST.get("decision", ""), reason=request.POST.get("reason", ""), actor=request.user, http_request=request
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("processing:outside_home_detail", review_id=review.pk)
        review.refresh_from_db()
    record(request, "view", object_type="outside_home_review", object_id=str(review.pk), kecamatan_code=review.home_kecamatan_code)
    record(
        request, "view", object_type="ktp_request", object_id=str(review.request_id), kecamatan_code=review.home_kecamatan_code,
        details={"nik": review.request.nik, "outside_home_review": str(review.pk)},
    )  # fmt: skip
    context = {
        "review": review,
        "demographics": RequestDemographics.objects.filter(request=review.request).first(),
        "decisions": OutsideHomeReview.Decision.choices,
        "is_open": review.state == OutsideHomeReview.State.OPEN,
    }
    return render(request, "processing/outside_home_detail.html", context)


@staff_view(Permission.APPROVE)
@require_http_methods(["GET", "POST"])
def case_detail(request, case_id):
    case = _case_for(request.user, case_id)
    if request.method == "POST":
        try:
            pipeline.decide(case, request.POST.get("decision", ""), reason=request.POST.get("reason", ""), actor=request.user, http_request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except (MatcherUnavailable, AbisError) as exc:
            # The decision's transaction rolled back whole; the supervisor can simply retry.
            messages.error(request, _("The matcher could not be reached, so nothing was decided; try again shortly (%(error)s).") % {"error": exc})
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("processing:case_detail", case_id=case.pk)
    record(request, "view", object_type="adjudication", object_id=str(case.pk), kecamatan_code=case.kecamatan_code)
    for shown in (case.request, case.matched_request):  # both persons' data is read here
        if shown is not None:
            record(request, "view", object_type="ktp_request", object_id=str(shown.pk), kecamatan_code=shown.kecamatan_code, details={"nik": shown.nik, "adjudication": str(case.pk)})
    new, match = _side(case.request), _side(case.matched_request)
    rows = [
        {"label": label, "new": a, "match": b, "differs": a != b and label not in (_("Office"), _("Kecamatan"), _("Status"), _("Recorded"))}
        for (label, a), (_l, b) in zip(new["rows"], match.get("rows", [("", "")] * len(new["rows"])), strict=True)
    ]
    context = {
        "case": case,
        "rows": rows,
        "parts": SHOWN_PARTS,
        "candidate": next((c for c in case.candidates if c["request_id"] == str(case.matched_request_id)), {}),
        "decisions": Adjudication.Decision.choices,
        "is_open": case.state != Adjudication.State.CLOSED,
    }
    return render(request, "processing/case_detail.html", context)


@staff_view(Permission.APPROVE)
@require_GET
def capture_image(request, case_id, side, part):
    """One captured image of either record of a case, decrypted in memory and streamed."""
    case = _case_for(request.user, case_id)
    if part not in SHOWN_PARTS or side not in ("new", "match"):
        raise Http404
    target = case.request if side == "new" else case.matched_request
    inbox = InboxPacket.objects.filter(pk=getattr(target, "packet_id", None)).first()
    if inbox is None:
        raise Http404
    try:
        payload = packets.decode_capture(packets.parse_packet(bytes(inbox.body)).open_part(part, sealing.central_private_key()))
    except packets.PacketError as exc:
        raise Http404 from exc
    if not payload.image:
        raise Http404
    record(request, "view", object_type="biometric_image", object_id=str(target.pk), kecamatan_code=target.kecamatan_code,
           details={"part": part, "adjudication": str(case.pk)})  # fmt: skip
    try:  # JPEG 2000 from the devices is converted: browsers cannot show it
        body, content_type = previews.for_browser(payload.image, str(payload.meta.get("image_format", "")))
    except ValueError as exc:
        raise Http404 from exc
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
