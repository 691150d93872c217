"""Operator pages at the office (central and node): the day's slots and bookings, booking on
a resident's behalf, moving and cancelling. Thin: they parse, check jurisdiction and call
appointments.actions; every refusal is shown as the action's message."""

import datetime as dt
import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from adminduk.accounts.access import staff_view
from adminduk.accounts.permissions import Permission

from . import actions, capacity, slots
from .choices import Channel
from .forms import BookForm, CancelForm, DayForm, RescheduleForm, parse_day
from .models import Booking
from .rules import BookingRefused
from .scoping import bookable_resident, offices_for


def _label(slot, tz) -> str:
    return f"{slot.starts_at.astimezone(tz):%H:%M}-{slot.ends_at.astimezone(tz):%H:%M} ({slot.free} {_('free')})"


def _day_url(office, day: dt.date) -> str:
    return f"{reverse('appointments:day')}?office={office.code}&date={day.isoformat()}"


@staff_view(Permission.BOOK)
@require_http_methods(["GET", "POST"])
def day(request: HttpRequest):
    offices = list(offices_for(request.user).order_by("kind", "name"))
    if not offices:
        raise Http404(_("No office of yours takes bookings."))
    source = request.POST if request.method == "POST" else request.GET
    office = next((o for o in offices if o.code == source.get("office")), offices[0])
    on = parse_day(source.get("date"), slots.local_today(office) + dt.timedelta(days=1))
    rows = slots.slots_for_day(office, on)
    tz = office.local_timezone()
    for row in rows:
        row.label = _label(row, tz)
    form = BookForm(request.POST if request.method == "POST" else None, slots=[r for r in rows if r.free])
    if request.method == "POST" and form.is_valid():
        nik = form.cleaned_data["nik"].strip()
        try:
            if len(nik) == 16 and nik.isdigit() and bookable_resident(request.user, nik) is None:
                raise BookingRefused(_("NIK %(nik)s is not in the registry of your jurisdiction.") % {"nik": nik}, "out_of_scope", 403)
            if not any(r.pk == form.cleaned_data["slot"] for r in rows):
                raise BookingRefused(_("That slot does not exist at an office of yours."), "unknown_slot", 404)
            booking = actions.book(nik=nik, slot=form.cleaned_data["slot"], actor=request.user, channel=Channel.COUNTER, request=request)
        except BookingRefused as exc:
            form.add_error("nik", exc.text)
        else:
            messages.success(request, _("%(name)s is booked for %(when)s.") % {"name": booking.resident.full_name, "when": _label(booking.slot, tz).split(" (")[0]})
            return redirect(_day_url(office, on))
    bookings = list(
        Booking.objects.select_related("slot", "resident").filter(office=office, slot__date=on).order_by("slot__starts_at", "created_at")
    )
    free_later = [r for r in rows if r.free]
    context = {
        "offices": offices, "office": office, "on": on, "slots": rows, "bookings": bookings, "form": form,
        "day_form": DayForm(initial={"office": office.code, "date": on}, offices=offices),
        "holiday": capacity.national_holiday(on), "total": sum(r.capacity for r in rows), "booked": sum(r.booked for r in rows),
        "move_choices": free_later, "flagged": sum(1 for b in bookings if b.over_capacity and b.is_open),
        "previous": on - dt.timedelta(days=1), "next": on + dt.timedelta(days=1),
    }  # fmt: skip
    return render(request, "appointments/day.html", context, status=422 if form.errors else 200)


def _booking_or_404(request, booking_id: uuid.UUID) -> Booking:
    booking = Booking.objects.select_related("slot__office", "office", "resident__kelurahan").filter(
        pk=booking_id, office__in=offices_for(request.user)
    ).first()
    if booking is None:
        raise Http404(_("No such booking at an office of yours."))
    return booking


@staff_view(Permission.BOOK)
@require_POST
def reschedule(request: HttpRequest, booking_id: uuid.UUID):
    booking = _booking_or_404(request, booking_id)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the new time."))
    else:
        from .models import Slot

        target = Slot.objects.filter(pk=form.cleaned_data["slot"], office__in=offices_for(request.user)).first()
        try:
            if target is None:
                raise BookingRefused(_("That slot does not exist at an office of yours."), "unknown_slot", 404)
            booking = actions.reschedule(booking, target, actor=request.user, request=request)
            messages.success(request, _("The booking of %(name)s was moved.") % {"name": booking.resident.full_name})
        except BookingRefused as exc:
            messages.error(request, exc.text)
    return redirect(_day_url(booking.office, booking.slot.date))


@staff_view(Permission.BOOK)
@require_POST
def cancel(request: HttpRequest, booking_id: uuid.UUID):
    booking = _booking_or_404(request, booking_id)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.cancel(booking, actor=request.user, request=request, reason=reason)
        messages.success(request, _("The booking of %(name)s was cancelled.") % {"name": booking.resident.full_name})
    except BookingRefused as exc:
        messages.error(request, exc.text)
    return redirect(_day_url(booking.office, booking.slot.date))
