"""Appointment endpoints of the JSON API: the slots of an office's day, and booking,
rescheduling and cancelling on a resident's behalf. Handlers parse, check jurisdiction, call
appointments.actions and shape output; a refusal is a 4xx with a code and a clear message."""

import datetime as dt
import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from adminduk.accounts.api_auth import require
from adminduk.accounts.permissions import Permission
from adminduk.accounts.scoping import scope_of
from adminduk.population import rules as population_rules

from . import actions, slots
from .choices import Channel, Service
from .models import Booking
from .rules import BookingRefused
from .scoping import bookable_resident, offices_for

router = Router(tags=["appointments"])
BOOK = require(Permission.BOOK)


class ErrorOut(Schema):
    detail: str
    code: str = ""


class SlotOut(Schema):
    id: uuid.UUID
    office: str
    service: str
    date: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int
    free: int


class BookingOut(Schema):
    id: uuid.UUID
    nik: str
    full_name: str
    office: str
    service: str
    status: str
    status_label: str
    over_capacity: bool
    slot: SlotOut


class BookingIn(Schema):
    nik: str
    slot_id: uuid.UUID
    service: Service = Service.PEREKAMAN


class RescheduleIn(Schema):
    slot_id: uuid.UUID


class CancelIn(Schema):
    reason: str = ""


def slot_out(slot) -> dict:
    return {
        "id": slot.pk, "office": slot.office.code, "service": slot.service, "date": slot.date, "starts_at": slot.starts_at,
        "ends_at": slot.ends_at, "capacity": slot.capacity, "booked": slot.booked, "free": slot.free,
    }  # fmt: skip


def booking_out(booking: Booking) -> dict:
    return {
        "id": booking.pk, "nik": booking.nik, "full_name": booking.resident.full_name, "office": booking.office.code,
        "service": booking.service, "status": booking.status, "status_label": str(booking.get_status_display()),
        "over_capacity": booking.over_capacity, "slot": slot_out(booking.slot),
    }  # fmt: skip


def refused(exc: BookingRefused):
    return Status(exc.status, {"detail": exc.text, "code": exc.code})


def _office(request, code: str):
    office = offices_for(request.user).filter(code=code).first()
    if office is None:
        raise BookingRefused(_("Office %(code)s is not one you may book at.") % {"code": code}, "office_out_of_scope", 403)
    return office


def _booking(request, booking_id: uuid.UUID) -> Booking:
    offices = offices_for(request.user)
    booking = Booking.objects.select_related("slot__office", "office", "resident__kelurahan").filter(pk=booking_id, office__in=offices).first()
    if booking is None:
        raise BookingRefused(_("No booking %(id)s at an office of yours.") % {"id": booking_id}, "unknown_booking", 404)
    return booking


def _slot_in_scope(request, slot_id: uuid.UUID):
    from .models import Slot

    slot = Slot.objects.select_related("office__booking_settings").filter(pk=slot_id, office__in=offices_for(request.user)).first()
    if slot is None:
        raise BookingRefused(_("That slot does not exist at an office of yours."), "unknown_slot", 404)
    return slot


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.get("/offices/{code}/slots", response={200: list[SlotOut], **ERRORS}, auth=BOOK, summary="The slots of an office's day, with free places")
def list_slots(request: HttpRequest, code: str, date: dt.date, service: Service = Service.PEREKAMAN):
    try:
        office = _office(request, code)
    except BookingRefused as exc:
        return refused(exc)
    return Status(200, [slot_out(s) for s in slots.slots_for_day(office, date, service)])


@router.get("/offices/{code}/bookings", response={200: list[BookingOut], **ERRORS}, auth=BOOK, summary="The bookings of an office's day")
def list_bookings(request: HttpRequest, code: str, date: dt.date):
    try:
        office = _office(request, code)
    except BookingRefused as exc:
        return refused(exc)
    rows = Booking.objects.select_related("slot__office", "office", "resident").filter(office=office, slot__date=date)
    return Status(200, [booking_out(b) for b in rows])


@router.post("/bookings", response={201: BookingOut, **ERRORS}, auth=BOOK, summary="Book a resident into a slot (at the counter)")
def create_booking(request: HttpRequest, payload: BookingIn):
    try:
        nik = population_rules.parse_nik(payload.nik.strip()).number
    except population_rules.NumberError as exc:
        return Status(422, {"detail": exc.message, "code": "invalid_nik"})
    try:
        slot = _slot_in_scope(request, payload.slot_id)
        resident = bookable_resident(request.user, nik)
        if resident is None:
            if scope_of(request.user).is_kota_wide:
                raise BookingRefused(_("No resident with NIK %(nik)s is in the registry.") % {"nik": nik}, "unknown_nik", 404)
            raise BookingRefused(_("NIK %(nik)s is not in the registry of your kecamatan.") % {"nik": nik}, "out_of_scope", 403)
        booking = actions.book(
            nik=nik, slot=slot, resident=resident, service=payload.service, actor=request.user, channel=Channel.COUNTER, request=request
        )
    except BookingRefused as exc:
        return refused(exc)
    return Status(201, booking_out(booking))


@router.get("/bookings/{booking_id}", response={200: BookingOut, **ERRORS}, auth=BOOK, summary="One booking")
def get_booking(request: HttpRequest, booking_id: uuid.UUID):
    try:
        return Status(200, booking_out(_booking(request, booking_id)))
    except BookingRefused as exc:
        return refused(exc)


@router.post("/bookings/{booking_id}/reschedule", response={200: BookingOut, **ERRORS}, auth=BOOK, summary="Move a booking to another slot")
def reschedule_booking(request: HttpRequest, booking_id: uuid.UUID, payload: RescheduleIn):
    try:
        booking = _booking(request, booking_id)
        booking = actions.reschedule(booking, _slot_in_scope(request, payload.slot_id), actor=request.user, request=request)
    except BookingRefused as exc:
        return refused(exc)
    return Status(200, booking_out(booking))


@router.post("/bookings/{booking_id}/cancel", response={200: BookingOut, **ERRORS}, auth=BOOK, summary="Cancel a booking")
def cancel_booking(request: HttpRequest, booking_id: uuid.UUID, payload: CancelIn):
    try:
        booking = actions.cancel(_booking(request, booking_id), actor=request.user, request=request, reason=payload.reason)
    except BookingRefused as exc:
        return refused(exc)
    return Status(200, booking_out(booking))
