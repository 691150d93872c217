"""Staff pages of the privacy app: the supervisor's cases (objections to reads, correction
requests) of their jurisdiction, and the Dinas admin's withholdings. Thin: the writes are in
privacy.actions; opening a case is a read of the resident's data and is audited as one."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from adminduk.accounts import scoping
from adminduk.accounts.access import staff_view
from adminduk.accounts.permissions import Permission
from adminduk.audit import labels, purposes
from adminduk.audit.actions import record
from adminduk.population.models import Resident

from . import actions
from .forms import AnswerForm, CorrectionAnswerForm, WithholdingForm
from .models import CorrectionRequest, Objection, Withholding


def _in_scope(request, queryset):
    return queryset.filter(scoping.scope_of(request.user).q_code("kecamatan_code"))


@staff_view(Permission.HANDLE_PRIVACY)
@require_http_methods(["GET"])
def cases(request):
    objections = list(_in_scope(request, Objection.objects.select_related("entry__office")).order_by("status", "due_at")[:100])
    corrections = list(_in_scope(request, CorrectionRequest.objects.defer("evidence")).order_by("status", "due_at")[:100])
    record(request, "view", object_type="privacy_case_list",
           details={"objections": [o.nik for o in objections], "corrections": [c.nik for c in corrections]})
    return render(request, "privacy/cases.html", {"objections": objections, "corrections": corrections, "now": timezone.now()})


def _entry_view(entry):
    return {
        "at": entry.at, "office": entry.office.name if entry.office_id else "", "role": labels.role_label(entry.actor_role),
        "username": entry.actor_username, "what": labels.object_type_label(entry.object_type), "action": entry.get_action_display(),
        "purpose": purposes.label(entry.purpose), "path": entry.path, "ip": entry.ip_address,
    }


@staff_view(Permission.HANDLE_PRIVACY)
@require_http_methods(["GET", "POST"])
def objection(request, pk):
    case = get_object_or_404(_in_scope(request, Objection.objects.select_related("entry__office", "resident")), pk=pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.answer_objection(case, answer=form.cleaned_data["answer"], actor=request.user, request=request)
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                return redirect("privacy:cases")
        status = 400
    else:
        status = 200
        record(request, "view", object_type="objection", object_id=str(case.pk), kecamatan_code=case.kecamatan_code,
               subject_nik=case.nik, purpose=purposes.Purpose.COMPLAINT)
    return render(request, "privacy/objection.html", {"case": case, "entry": _entry_view(case.entry), "form": form}, status=status)


def _current_value(resident: Resident, field: str) -> str:
    if field == "birth":
        return f"{resident.birth_place}, {resident.birth_date:%d-%m-%Y}"
    if field == "address":
        return f"{resident.address}, RT {resident.rt}/RW {resident.rw}, {resident.kelurahan.name}"
    if field == "parents":
        return f"{resident.father_name} / {resident.mother_name}"
    if field in ("kk", "other"):
        return ""
    display = getattr(resident, f"get_{field}_display", None)
    return str(display() if display else getattr(resident, field, ""))


@staff_view(Permission.HANDLE_PRIVACY)
@require_http_methods(["GET", "POST"])
def correction(request, pk):
    case = get_object_or_404(_in_scope(request, CorrectionRequest.objects.defer("evidence").select_related("resident__kelurahan")), pk=pk)
    form = CorrectionAnswerForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.answer_correction(case, outcome=form.cleaned_data["outcome"], answer=form.cleaned_data["answer"], actor=request.user, request=request)
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                return redirect("privacy:cases")
        status = 400
    else:
        status = 200
        record(request, "view", object_type="correction_request", object_id=str(case.pk), kecamatan_code=case.kecamatan_code,
               subject_nik=case.nik, purpose=purposes.Purpose.CORRECTION)
    context = {"case": case, "current": _current_value(case.resident, case.field), "form": form, "overdue": case.is_overdue()}
    return render(request, "privacy/correction_case.html", context, status=status)


@staff_view(Permission.HANDLE_PRIVACY)
@require_http_methods(["GET"])
def evidence(request, pk):
    case = get_object_or_404(_in_scope(request, CorrectionRequest.objects.all()), pk=pk)
    if not case.evidence:
        raise Http404
    record(request, "view", object_type="correction_evidence", object_id=str(case.pk), kecamatan_code=case.kecamatan_code,
           subject_nik=case.nik, purpose=purposes.Purpose.CORRECTION)
    response = HttpResponse(bytes(case.evidence), content_type=case.evidence_type)
    response["Content-Disposition"] = f'inline; filename="bukti-{case.pk}.{"pdf" if case.evidence_type == "application/pdf" else "jpg"}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@staff_view(Permission.WITHHOLD)
@require_http_methods(["GET", "POST"])
def withholdings(request):
    form = WithholdingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.withhold(
                    category=data["category"], subject_nik=data["subject_nik"] or "", covers_from=_day_start(data["covers_from"]),
                    until=_day_start(data["until"] + dt.timedelta(days=1)), legal_basis=data["legal_basis"], actor=request.user, request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                return redirect("privacy:withholdings")
    rows = list(Withholding.objects.select_related("created_by").order_by("-created_at")[:200])
    if request.method == "GET":
        record(request, "view", object_type="withholding_list", details={"withheld_niks": sorted({w.subject_nik for w in rows if w.subject_nik})})
    return render(request, "privacy/withholdings.html", {"form": form, "rows": rows, "now": timezone.now()}, status=status)


@staff_view(Permission.WITHHOLD)
@require_POST
def end_withholding(request, pk):
    withholding = get_object_or_404(Withholding, pk=pk)
    actions.end_withholding(withholding, actor=request.user, request=request)
    return redirect("privacy:withholdings")
