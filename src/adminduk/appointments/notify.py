"""What residents are told about their bookings, through the messaging adapter
(adminduk.messaging.services.send): confirmation, a slot that no longer fits with another one
offered, and the reminder the day before. Messages are in Indonesian, the language of the
phone messages of Dukcapil; each is sent after the booking's transaction commits."""

import logging

from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from adminduk.messaging.services import InvalidPhone, send

logger = logging.getLogger("adminduk.appointments")

PHONE_LANGUAGE = "id"


def _when(slot) -> str:
    local = slot.starts_at.astimezone(slot.office.local_timezone())
    end = slot.ends_at.astimezone(slot.office.local_timezone())
    return f"{date_format(local.date(), 'l, j F Y')} {local:%H:%M}-{end:%H:%M}"


def phone_of(resident) -> str:
    """The mobile number on file (population.Resident.phone), or "" when there is none."""
    return resident.phone or ""


def _send(booking, kind: str, text: str):
    phone = phone_of(booking.resident)
    if not phone:
        logger.info("booking %s: no phone number on file for %s, %s not sent", booking.pk, booking.nik, kind)
        return None
    try:
        return send(phone, text, kind=kind, resident=booking.resident)
    except InvalidPhone as exc:
        logger.warning("booking %s: phone on file for %s unusable (%s), %s not sent", booking.pk, booking.nik, exc, kind)
        return None


def confirmation_text(booking, *, rescheduled: bool = False) -> str:
    with translation.override(PHONE_LANGUAGE):
        intro = _("Your e-KTP recording appointment was moved.") if rescheduled else _("Your e-KTP recording appointment is booked.")
        return _("%(intro)s %(office)s, %(when)s. Bring your KK. Booking %(code)s.") % {
            "intro": intro, "office": booking.office.name, "when": _when(booking.slot), "code": str(booking.pk)[:8].upper(),
        }


def offer_text(booking, offered) -> str:
    with translation.override(PHONE_LANGUAGE):
        base = _("Sorry: %(office)s cannot serve everyone booked on %(when)s (equipment or hours changed).") % {
            "office": booking.office.name, "when": _when(booking.slot),
        }
        if offered is None:
            return base + " " + _("Please choose another time at the office or on the portal.")
        return base + " " + _("Another time is free: %(when)s. Move your booking %(code)s on the portal or at the office.") % {
            "when": _when(offered), "code": str(booking.pk)[:8].upper(),
        }


def reminder_text(booking) -> str:
    with translation.override(PHONE_LANGUAGE):
        return _("Reminder: your e-KTP recording is tomorrow at %(office)s, %(when)s. Bring your KK. Booking %(code)s.") % {
            "office": booking.office.name, "when": _when(booking.slot), "code": str(booking.pk)[:8].upper(),
        }


def send_confirmation_now(booking_id: str, rescheduled: bool = False):
    from .models import Booking

    booking = Booking.objects.select_related("resident", "office", "slot__office").filter(pk=booking_id).first()
    if booking is None:
        return None
    return _send(booking, "booking_confirmed", confirmation_text(booking, rescheduled=rescheduled))


def offer_another_slot_on_commit(booking, find_offer) -> None:
    """After the commit, tell the resident their slot no longer fits, with the slot that
    `find_offer(booking)` finds then (or none)."""
    transaction.on_commit(lambda: _send(booking, "booking_over_capacity", offer_text(booking, find_offer(booking))), robust=True)


def send_reminder(booking):
    return _send(booking, "booking_reminder", reminder_text(booking))
