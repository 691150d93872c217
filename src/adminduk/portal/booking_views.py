"""Booking pages of the portal: book a recording slot, move it, cancel it. Thin: they read the
choice and call appointments.actions, whose refusal (slot full, past, too late, not wajib KTP,
already recorded, already booked) is shown as it is. No URL names a booking: a resident has at
most one open recording appointment, and the pages only ever reach their own."""

import uuid

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from adminduk.appointments import actions, rules
from adminduk.appointments.choices import Channel, Service
from adminduk.appointments.models import Slot
from adminduk.appointments.rules import BookingRefused

from . import bookings
from .access import resident_view


def _chosen_slot(request, offices) -> Slot:
    try:
        slot_id = uuid.UUID(request.POST.get("slot", ""))
    except ValueError:
        raise BookingRefused(_("Choose a time."), "no_slot", 400) from None
    slot = Slot.objects.select_related("office").filter(pk=slot_id, office__in=offices).first()
    if slot is None:
        raise BookingRefused(_("That time is not offered at your offices."), "unknown_slot", 404)
    return slot


def _day_context(request, offices, default_office):
    source = request.POST if request.method == "POST" else request.GET
    office = next((o for o in offices if o.code == source.get("office")), default_office)
    return bookings.day_choice(office, bookings.parse_day(source.get("date")))


def _eligibility_problem(resident, day) -> str:
    try:
        rules.check_resident(resident, Service.PEREKAMAN, day)
    except BookingRefused as exc:
        return exc.text
    return ""


@resident_view
@require_http_methods(["GET", "POST"])
def book(request):
    resident = request.resident
    if bookings.open_booking(resident) is not None:
        return redirect("portal:reschedule")
    offices = bookings.offices_for(resident)
    if not offices:
        return render(request, "portal/book.html", {"problem": _("No office takes bookings yet.")}, status=404)
    choice = _day_context(request, offices, offices[0])
    context = {"offices": offices, "choice": choice, "mode": "book", "problem": _eligibility_problem(resident, choice.day)}
    if request.method == "POST" and not context["problem"]:
        try:
            actions.book(
                nik=resident.nik, slot=_chosen_slot(request, offices), channel=Channel.PORTAL, actor=request.user, request=request
            )
        except BookingRefused as exc:
            context["error"] = exc.text
            return render(request, "portal/book.html", context, status=exc.status)
        return redirect("portal:home")
    return render(request, "portal/book.html", context, status=422 if context["problem"] and request.method == "POST" else 200)


@resident_view
@require_http_methods(["GET", "POST"])
def reschedule(request):
    resident = request.resident
    booking = bookings.open_booking(resident)
    if booking is None:
        return redirect("portal:book")
    offices = bookings.offices_for(resident)
    choice = _day_context(request, offices, booking.office)
    context = {"offices": offices, "choice": choice, "mode": "reschedule", "booking": booking, "when": bookings.when(booking.slot)}
    if request.method == "POST":
        try:
            actions.reschedule(booking, _chosen_slot(request, offices), actor=request.user, request=request)
        except BookingRefused as exc:
            context["error"] = exc.text
            return render(request, "portal/book.html", context, status=exc.status)
        return redirect("portal:home")
    return render(request, "portal/book.html", context)


@resident_view
@require_http_methods(["GET", "POST"])
def cancel(request):
    booking = bookings.open_booking(request.resident)
    if booking is None:
        return redirect("portal:home")
    context = {"booking": booking, "when": bookings.when(booking.slot)}
    if request.method == "POST":
        try:
            actions.cancel(booking, actor=request.user, request=request, reason=_("cancelled by the resident on the portal"))
        except BookingRefused as exc:
            context["error"] = exc.text
            return render(request, "portal/cancel.html", context, status=exc.status)
        return redirect("portal:home")
    return render(request, "portal/cancel.html", context)
