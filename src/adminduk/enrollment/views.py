"""The recording station's pages. Views parse input, call enrollment.recording and render;
captures and retakes are htmx swaps of one slot card, and every step also works as a plain
form post without JavaScript."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from adminduk.accounts import scoping
from adminduk.accounts.access import any_staff_view, staff_view
from adminduk.accounts.forms import StaffLoginForm
from adminduk.accounts.permissions import Permission
from adminduk.audit.actions import record

from . import previews, recording
from .devices import adapter_for
from .devices.simulator import CONDITION_CHOICES, CONDITIONS
from .forms import CallForm, DemographicsForm, ExceptionForm
from .models import KtpRequest, RecordingCapture, RecordingSession
from .slots import SLOTS, exception_choices


@dataclass
class SlotView:
    slot: object
    row: RecordingCapture | None
    preview: str
    choices: list
    simulated: bool


def _session_for(request, pk) -> RecordingSession:
    """The user's own session, within their jurisdiction; anything else is not found."""
    session = RecordingSession.objects.select_related("resident__kelurahan__kecamatan", "office", "operator").filter(pk=pk, operator=request.user).first()
    if session is None or not scoping.authorize(request.user, Permission.RECORD, kecamatan_code=session.kecamatan_code):
        raise Http404(_("No such recording."))
    return session


def _slot_view(session, slot, row) -> SlotView:
    return SlotView(slot, row, previews.data_url(previews.get(session.pk, slot.name)), exception_choices(slot), adapter_for(slot.modality).simulated)


def _slot_views(session) -> list[SlotView]:
    rows = {row.slot: row for row in session.captures.select_related("approved_by")}
    return [_slot_view(session, slot, rows.get(slot.name)) for slot in SLOTS]


def _station_context(request, **extra):
    today = timezone.localdate()
    recent = RecordingSession.objects.filter(operator=request.user, created_at__date=today).select_related("resident")[:50]
    requests_by_id = {r.pk: r for r in KtpRequest.objects.filter(pk__in=[s.request_id for s in recent])}
    rows = [(s, requests_by_id.get(s.request_id)) for s in recent]
    return {"form": CallForm(), "recent": rows, **extra}


@any_staff_view
@require_GET
def station(request):
    """The station's start page: call the next resident by NIK. Users who may not record get
    the precise reason instead (no certificate, wrong role) rather than a bare 403."""
    try:
        recording.check_operator(request.user)
    except recording.RecordingRefused as refused:
        return render(request, "enrollment/station.html", {"refusal": refused.message, "form": None, "recent": []}, status=403)
    return render(request, "enrollment/station.html", _station_context(request))


@staff_view(Permission.RECORD)
@require_POST
def call_resident(request):
    form = CallForm(request.POST)
    nik = form.data.get("nik", "")
    try:
        session = recording.start_session(nik, user=request.user, request=request)
    except recording.RecordingRefused as refused:
        form.is_valid()
        return render(request, "enrollment/station.html", _station_context(request, form=form, error=refused.message), status=200)
    return redirect("enrollment:session", pk=session.pk)


@staff_view(Permission.RECORD)
@require_GET
def session_page(request, pk):
    session = _session_for(request, pk)
    record(request, "view", object_type="resident", object_id=session.nik, kecamatan_code=session.kecamatan_code, details={"recording_session": str(session.pk)})
    return _render_session(request, session)


def _render_session(request, session, *, data_form=None, status=200, error=""):
    ktp_request = KtpRequest.objects.filter(pk=session.request_id).prefetch_related("events").first()
    context = {
        "session": session,
        "resident": session.resident,
        "data_form": data_form or DemographicsForm(instance=session.resident),
        "slots": _slot_views(session) if session.state == RecordingSession.State.OPEN else [],
        "outstanding": recording.outstanding(session) if session.state == RecordingSession.State.OPEN else [],
        "ktp_request": ktp_request,
        "conditions": CONDITION_CHOICES,
        "simulated": recording.simulated_devices(),
        "has_captures": session.state == RecordingSession.State.OPEN and session.captures.exists(),
        "error": error,
    }
    return render(request, "enrollment/session.html", context, status=status)


@staff_view(Permission.RECORD)
@require_POST
def confirm_data(request, pk):
    session = _session_for(request, pk)
    # A fresh copy: a bound ModelForm writes its values onto the instance it was given.
    form = DemographicsForm(request.POST, instance=type(session.resident).objects.get(pk=session.resident_id))
    if not form.is_valid():
        return _render_session(request, session, data_form=form, status=200, error=_("Check the highlighted fields."))
    try:
        recording.confirm_demographics(session, form.corrections(), reason=form.cleaned_data.get("reason", ""), actor=request.user, request=request)
    except recording.RecordingRefused as refused:
        return _render_session(request, session, data_form=form, error=refused.message)
    messages.success(request, _("Data confirmed."))
    return redirect("enrollment:session", pk=session.pk)


def _slot_response(request, session, slot_name, error=""):
    slot = next((s for s in SLOTS if s.name == slot_name), None)
    if slot is None:
        raise Http404(_("No such capture."))
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(f"{redirect('enrollment:session', pk=session.pk).url}#slot-{slot_name}")
    session.refresh_from_db()
    row = session.captures.select_related("approved_by").filter(slot=slot_name).first()
    context = {"item": _slot_view(session, slot, row), "session": session, "outstanding": recording.outstanding(session), "conditions": CONDITION_CHOICES, "slot_error": error, "oob": True}
    return render(request, "enrollment/partials/slot.html", context)


@staff_view(Permission.RECORD)
@require_POST
def capture_slot(request, pk, slot):
    session = _session_for(request, pk)
    condition = request.POST.get("condition", "good")
    if condition not in CONDITIONS:
        condition = "good"
    try:
        recording.capture(session, slot, actor=request.user, condition=condition, request=request)
    except recording.RecordingRefused as refused:
        return _slot_response(request, session, slot, refused.message)
    return _slot_response(request, session, slot)


@staff_view(Permission.RECORD)
@require_POST
def simulated_subject(request, pk):
    """Demo and training: the simulator presents the same person as another NIK."""
    session = _session_for(request, pk)
    try:
        session = recording.present_as(session, request.POST.get("nik", ""), actor=request.user, request=request)
    except recording.RecordingRefused as refused:
        messages.error(request, refused.message)
    else:
        if session.device_subject:
            messages.success(request, _("The simulator now presents the same person as NIK %(nik)s.") % {"nik": session.device_subject})
        else:
            messages.success(request, _("The simulator presents the called resident again."))
    return redirect(f"{redirect('enrollment:session', pk=session.pk).url}#captures")


@staff_view(Permission.RECORD)
@require_POST
def capture_remaining(request, pk):
    """Capture every slot that has nothing yet (as a 4-4-2 slap scanner takes all fingers)."""
    session = _session_for(request, pk)
    done = set(session.captures.values_list("slot", flat=True))
    try:
        for slot in SLOTS:
            if slot.name not in done:
                recording.capture(session, slot.name, actor=request.user, request=request)
    except recording.RecordingRefused as refused:
        messages.error(request, refused.message)
    return redirect("enrollment:session", pk=session.pk)


@staff_view(Permission.RECORD)
@require_POST
def exception_slot(request, pk, slot):
    """A supervisor approves a missing biometric on the operator's screen with their own
    password and verification code, checked exactly as at login (lockout included)."""
    session = _session_for(request, pk)
    form = ExceptionForm(request.POST)
    if not form.is_valid():
        return _slot_response(request, session, slot, _("Choose a reason and enter the supervisor's username, password and code."))
    login = StaffLoginForm(
        request, data={"username": form.cleaned_data["supervisor"], "password": form.cleaned_data["password"], "otp_token": form.cleaned_data["otp_token"]}
    )
    if not login.is_valid():
        record(request, "denied", object_type="biometric_exception", object_id=f"{session.pk}:{slot}", kecamatan_code=session.kecamatan_code, details={"supervisor": form.cleaned_data["supervisor"]})
        return _slot_response(request, session, slot, _("Supervisor approval failed: %(reason)s") % {"reason": " ".join(login.non_field_errors())})
    try:
        recording.approve_exception(
            session, slot, code=form.cleaned_data["code"], note=form.cleaned_data["note"], supervisor=login.get_user(), actor=request.user, request=request
        )
    except recording.RecordingRefused as refused:
        return _slot_response(request, session, slot, refused.message)
    return _slot_response(request, session, slot)


@staff_view(Permission.RECORD)
@require_POST
def submit_session(request, pk):
    session = _session_for(request, pk)
    try:
        ktp_request = recording.submit(session, actor=request.user, request=request)
    except recording.RecordingRefused as refused:
        session.refresh_from_db()
        return _render_session(request, session, error=refused.message, status=200)
    messages.success(request, _("Recording submitted: packet %(packet)s is in the outbox, request status %(status)s.") % {"packet": ktp_request.packet_id, "status": ktp_request.get_status_display()})
    return redirect("enrollment:session", pk=session.pk)


@staff_view(Permission.RECORD)
@require_POST
def cancel_session(request, pk):
    session = _session_for(request, pk)
    try:
        recording.cancel(session, actor=request.user, reason=request.POST.get("reason", ""), request=request)
    except recording.RecordingRefused as refused:
        messages.error(request, refused.message)
    return redirect("enrollment:station")
