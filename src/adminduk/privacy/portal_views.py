"""The resident's privacy pages in the portal: the data tracker, objections, correction
requests, the data download and consent to messages. Thin: the work is in tracker, actions,
export and messaging.consent. Every page reads only the signed-in resident's own data."""

import json

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from adminduk.audit.actions import record
from adminduk.civil.uploads import UploadRefused
from adminduk.messaging import consent
from adminduk.portal.access import resident_view

from . import actions, export, tracker
from .forms import CorrectionForm, ObjectionForm
from .models import CorrectionRequest, Objection


def _kecamatan(resident) -> str:
    return (resident.kelurahan_id or "")[:8]


def _cursors(query) -> dict | None:
    """The tracker page's position from its links (`sebelum` / `sesudah`: older or newer than a
    line), none for the newest lines; None when a value is not a position."""
    cursors = {}
    for key, name in (("sebelum", "before"), ("sesudah", "after")):
        value = query.get(key)
        if value not in (None, ""):
            cursors[name] = tracker.Cursor.parse(value)
            if cursors[name] is None:
                return None
    return None if len(cursors) > 1 else cursors


@resident_view
@require_http_methods(["GET"])
def tracker_page(request):
    cursors = _cursors(request.GET)
    if cursors is None:
        return render(request, "privacy/tracker.html", {"error": _("There is no such page.")}, status=400)
    resident = request.resident
    view = tracker.tracker_for(resident, **cursors)
    record(request, "view", object_type="audit_log", object_id=resident.nik, kecamatan_code=_kecamatan(resident),
           subject_nik=resident.nik, details={"portal": "data tracker", **{k: c.token for k, c in cursors.items()}})
    # Each line links to its objection page: the path reversed once, not once a line.
    object_prefix = reverse("privacy_portal:object", args=[0]).removesuffix("0/")
    return render(request, "privacy/tracker.html", {"tracker": view, "object_prefix": object_prefix})


@resident_view
@require_http_methods(["GET", "POST"])
def object_page(request, entry_id: int):
    resident = request.resident
    line = tracker.visible_line(resident, entry_id)
    if line is None:
        raise Http404
    form = ObjectionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.object_to(resident, entry_id=entry_id, reason=form.cleaned_data["reason"], request=request)
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                return redirect("privacy_portal:rights")
        return render(request, "privacy/object.html", {"form": form, "line": line}, status=400)
    return render(request, "privacy/object.html", {"form": form, "line": line})


@resident_view
@require_http_methods(["GET"])
def rights_page(request):
    resident = request.resident
    corrections = list(CorrectionRequest.objects.filter(nik=resident.nik).defer("evidence").order_by("-created_at")[:50])
    objections = list(Objection.objects.filter(nik=resident.nik).select_related("entry__office").order_by("-created_at")[:50])
    record(request, "view", object_type="rights_requests", object_id=resident.nik, kecamatan_code=_kecamatan(resident),
           subject_nik=resident.nik, details={"portal": "rights requests"})
    context = {"corrections": corrections, "objections": objections, "consented": consent.has_consent(resident)}
    return render(request, "privacy/rights.html", context)


@resident_view
@require_http_methods(["GET", "POST"])
def correction_page(request):
    form = CorrectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["evidence"]
            try:
                actions.request_correction(
                    request.resident, field=form.cleaned_data["field"], requested_value=form.cleaned_data["requested_value"],
                    explanation=form.cleaned_data["explanation"], evidence=upload.read(), evidence_name=upload.name, request=request,
                )
            except UploadRefused as exc:
                form.add_error("evidence", exc.message)
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                return redirect("privacy_portal:rights")
        return render(request, "privacy/correction.html", {"form": form}, status=400)
    return render(request, "privacy/correction.html", {"form": form})


@resident_view
@require_http_methods(["GET"])
def download(request, fmt: str):
    resident = request.resident
    if fmt not in ("json", "pdf"):
        raise Http404
    data = export.data_of(resident)
    record(request, "export", object_type="resident", object_id=resident.nik, kecamatan_code=_kecamatan(resident),
           details={"portal": "own data download", "format": fmt})
    if fmt == "json":
        body, content_type = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"), "application/json; charset=utf-8"
    else:
        body, content_type = export.pdf_of(data), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="data-saya-{resident.nik}.{fmt}"'
    return response


@resident_view
@require_POST
def consent_page(request):
    choice = request.POST.get("consent", "")
    if choice == "give":
        consent.give(request.resident, via="portal", request=request)
    elif choice == "revoke":
        consent.revoke(request.resident, request=request)
    else:
        return HttpResponse(_("Choose to give or revoke consent."), status=400, content_type="text/plain; charset=utf-8")
    return redirect("privacy_portal:rights")
