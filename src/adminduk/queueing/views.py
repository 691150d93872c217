"""Queue pages: the front desk and counters, the waiting-room display, the ticket slip, the
day's figures, and RT invitations. Thin: the work is in actions, stats and invitations."""

import datetime as dt
import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from adminduk.accounts.access import public_view, staff_view
from adminduk.accounts.permissions import Permission
from adminduk.appointments.events import KIND_BOOKING_EVENT
from adminduk.appointments.models import Booking
from adminduk.audit.actions import record
from adminduk.offices.models import Office
from adminduk.regions.models import Kelurahan
from adminduk.sync import refusals

from . import actions, checkin, display, invitations, letters, stats
from .choices import TicketStatus
from .forms import CounterForm, InvitationForm, IssueForm
from .models import Counter, Invitation, Ticket
from .offices import office_for, offices_for


def _desk_context(request, office, **extra):
    day = timezone.localdate()
    counters = list(Counter.objects.filter(office=office).order_by("name"))
    current = {t.counter_id: t for t in Ticket.objects.filter(office=office, status=TicketStatus.CALLED)}
    context = {
        "office": office,
        "offices": offices_for(request.user),
        "issue_form": IssueForm(),
        "counter_form": CounterForm(),
        "counters": [(c, current.get(c.pk)) for c in counters],
        "skipped": Ticket.objects.filter(office=office, day=day, status=TicketStatus.WAITING, call_count__gt=0).order_by("queued_at"),
        "board": display.board(office),
        "display_url": reverse("queueing:display", args=[office.code]),
        "refusals": _refused_bookings(request, office),
    }
    context.update(extra)
    return context


def _refused_bookings(request, office, limit: int = 20) -> list:
    """Check-ins and closings of this office the central refused, with whose booking each was
    (a read of those residents, audited) and the central's reason."""
    found = list(refusals.recent(office, kinds=[KIND_BOOKING_EVENT])[:limit])
    if not found:
        return []
    ids = [pk for refusal in found for pk in (refusal.subjects or {}).get("bookings", [])]
    niks = sorted(set(Booking.objects.filter(pk__in=ids).values_list("nik", flat=True)))
    if niks:
        record(request, "view", object_type="resident_list", kecamatan_code=office.kecamatan_id or "", details={"refused_booking_events": len(found)},
               mentions=niks)
    return refusals.for_operators(found, limit=limit)


@staff_view(Permission.RUN_QUEUE)
@require_GET
def desk(request):
    office = office_for(request)
    return render(request, "queueing/desk.html", _desk_context(request, office))


@staff_view(Permission.RUN_QUEUE)
@require_POST
def issue(request):
    office = office_for(request)
    form = IssueForm(request.POST)
    if not form.is_valid():
        return render(request, "queueing/desk.html", _desk_context(request, office, issue_form=form), status=400)
    try:
        ticket = actions.issue_ticket(office, form.cleaned_data["service"], form.cleaned_data["priority"], actor=request.user, request=request)
    except actions.QueueError as refused:
        return render(request, "queueing/desk.html", _desk_context(request, office, issue_form=form, error=refused.text), status=400)
    return redirect("queueing:ticket", pk=ticket.pk)


@staff_view(Permission.RUN_QUEUE)
@require_POST
def check_in(request):
    """A booked resident arrives: their booking is checked in and they get a ticket."""
    office = office_for(request)
    try:
        ticket = checkin.check_in(office, request.POST.get("nik", ""), actor=request.user, request=request)
    except actions.QueueError as refused:
        return render(request, "queueing/desk.html", _desk_context(request, office, error=refused.text), status=400)
    return redirect("queueing:ticket", pk=ticket.pk)


@staff_view(Permission.RUN_QUEUE)
@require_GET
def ticket_slip(request, pk):
    ticket = get_object_or_404(Ticket.objects.select_related("office"), pk=pk)
    if not offices_for(request.user).filter(pk=ticket.office_id).exists():
        raise Http404("no such ticket in your jurisdiction")
    ahead = actions.waiting_tickets(ticket.office, [ticket.service], ticket.day).filter(
        rank__lte=ticket.rank, queued_at__lt=ticket.queued_at
    ).count()
    return render(request, "queueing/ticket.html", {"ticket": ticket, "ahead": ahead, "width": request.GET.get("lebar", "58")})


COUNTER_ACTIONS = {"panggil": "call_next", "ulang": "recall", "selesai": "finish", "lewati": "skip"}


def _counter_for(request, pk) -> Counter:
    counter = Counter.objects.select_related("office").filter(pk=pk).first()
    if counter is None or not offices_for(request.user).filter(pk=counter.office_id).exists():
        raise Http404("no such counter in your jurisdiction")
    return counter


@staff_view(Permission.RUN_QUEUE)
@require_POST
def counter_action(request, pk, action):
    if action not in COUNTER_ACTIONS:
        raise Http404("no such counter action")
    counter = _counter_for(request, pk)
    try:
        ticket = getattr(actions, COUNTER_ACTIONS[action])(counter, actor=request.user, request=request)
    except actions.QueueError as refused:
        return _desk_refusal(request, counter.office, refused)
    messages.success(request, _("%(counter)s: %(ticket)s") % {"counter": counter.name, "ticket": ticket.label})
    return redirect(reverse("queueing:desk") + f"?office={counter.office.code}")


def _desk_refusal(request, office, refused):
    return render(request, "queueing/desk.html", _desk_context(request, office, error=refused.text), status=409)


@staff_view(Permission.RUN_QUEUE)
@require_POST
def no_show(request, pk):
    counter = _counter_for(request, pk)
    raw = request.POST.get("ticket", "")
    ticket = Ticket.objects.filter(pk=raw, office=counter.office).first() if _is_uuid(raw) else None
    if ticket is None:
        return _desk_refusal(request, counter.office, actions.QueueError(_("Unknown ticket.")))
    try:
        actions.mark_no_show(ticket, counter=counter, actor=request.user, request=request)
    except actions.QueueError as refused:
        return _desk_refusal(request, counter.office, refused)
    messages.success(request, _("%(ticket)s marked as not come.") % {"ticket": ticket.label})
    return redirect(reverse("queueing:desk") + f"?office={counter.office.code}")


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except (TypeError, ValueError):
        return False
    return True


@staff_view(Permission.RUN_QUEUE)
@require_POST
def add_counter(request):
    office = office_for(request)
    form = CounterForm(request.POST)
    if not form.is_valid():
        return render(request, "queueing/desk.html", _desk_context(request, office, counter_form=form), status=400)
    try:
        actions.add_counter(office, form.cleaned_data["name"], form.cleaned_data["services"], actor=request.user, request=request)
    except actions.QueueError as refused:
        return render(request, "queueing/desk.html", _desk_context(request, office, counter_form=form, error=refused.text), status=400)
    return redirect(reverse("queueing:desk") + f"?office={office.code}")


def _public_office(code) -> Office:
    office = Office.objects.filter(code=code, is_active=True).first()
    if office is None:
        raise Http404("no such office")
    return office


@public_view
@require_GET
def display_page(request, code):
    """The waiting-room TV (no login: numbers and counters only, nothing personal)."""
    office = _public_office(code)
    return render(request, "queueing/display.html", {"office": office, "board": display.board(office)})


@public_view
@require_GET
def display_board(request, code):
    office = _public_office(code)
    return render(request, "queueing/partials/board.html", {"office": office, "board": display.board(office)})


@staff_view(Permission.RUN_QUEUE)
@require_GET
def statistics(request):
    office = office_for(request)
    raw = request.GET.get("tanggal") or ""
    try:
        day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return render(
            request, "queueing/statistics.html",
            {"office": office, "offices": offices_for(request.user), "error": _("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw}},
            status=400,
        )
    figures = stats.daily_stats(office, day)
    return render(request, "queueing/statistics.html", {"office": office, "offices": offices_for(request.user), "stats": figures, "day": day})


def _kelurahan_choices(office):
    rows = Kelurahan.objects.order_by("name")
    rows = rows.filter(kecamatan_id=office.kecamatan_id) if office.kecamatan_id else rows.filter(code__startswith=office.regency_id + ".")
    return [(k.code, f"{k.name} ({k.code})") for k in rows]


@staff_view(Permission.INVITE)
def invite(request):
    """GET with the form filled shows the plan; POST writes it and offers the letters."""
    office = office_for(request)
    data = request.POST if request.method == "POST" else (request.GET if "kelurahan" in request.GET else None)
    form = InvitationForm(data, kelurahan_choices=_kelurahan_choices(office))
    context = {"office": office, "offices": offices_for(request.user), "form": form}
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    if data is None:
        return render(request, "queueing/invite.html", context)
    if not form.is_valid():
        return render(request, "queueing/invite.html", context, status=400)
    options = {k: form.cleaned_data[k] for k in ("start", "days", "per_day")}
    args = (office, form.cleaned_data["kelurahan"], form.cleaned_data["rw"], form.cleaned_data["rt"])
    try:
        if request.method == "POST":
            batch, created, plan = invitations.invite_rt(*args, actor=request.user, request=request, **options)
            messages.success(request, _("%(count)s residents invited.") % {"count": len(created)})
            return redirect("queueing:batch", batch=batch)
        plan = invitations.plan(*args, **options)
    except actions.QueueError as refused:
        context["error"] = refused.text
        return render(request, "queueing/invite.html", context, status=400)
    record(request, "view", object_type="resident_list", kecamatan_code=plan.kelurahan.kecamatan_id,
           details={"rt_invitation_plan": f"{plan.kelurahan.code}/{plan.rw}/{plan.rt}"}, mentions=[r.nik for r in plan.candidates])
    context["plan"] = plan
    return render(request, "queueing/invite.html", context)


def _batch_invitations(request, batch):
    rows = Invitation.objects.filter(batch=batch).select_related("resident", "kelurahan", "office").order_by("date", "time", "nik")
    first = rows.first()
    if first is None or not offices_for(request.user).filter(pk=first.office_id).exists():
        raise Http404("no such invitation batch in your jurisdiction")
    return first, rows


@staff_view(Permission.INVITE)
@require_GET
def batch(request, batch):
    first, rows = _batch_invitations(request, batch)
    rows = list(rows)
    record(request, "view", object_type="invitation_batch", object_id=str(batch), kecamatan_code=first.kelurahan.kecamatan_id,
           mentions=[i.nik for i in rows])
    messages_sent = invitations.messages_of(rows)
    listing = [(i, messages_sent.get(i.resident_id)) for i in rows]
    return render(request, "queueing/batch.html", {"first": first, "invitations": listing, "batch": batch})


@staff_view(Permission.INVITE)
@require_GET
def batch_letters(request, batch):
    first, rows = _batch_invitations(request, batch)
    niks = list(rows.values_list("nik", flat=True))
    record(request, "export", object_type="invitation_batch", object_id=str(batch), kecamatan_code=first.kelurahan.kecamatan_id,
           details={"letters": len(niks)}, mentions=niks)
    response = HttpResponse(letters.invitation_letters(rows), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="undangan-{first.kelurahan_id}-rw{first.rw}-rt{first.rt}.pdf"'
    return response


@staff_view(Permission.RECORD)
@require_GET
def invited_today(request):
    """The recording station's list of residents invited for today at the operator's office."""
    office = office_for(request)
    rows = list(invitations.invited_on(office, timezone.localdate()))
    if rows:
        record(request, "view", object_type="resident_list", kecamatan_code=office.kecamatan_id or "",
               details={"invited_today": len(rows)}, mentions=[i.nik for i in rows])
    return render(request, "queueing/partials/invited_today.html", {"invitations": rows, "office": office})
