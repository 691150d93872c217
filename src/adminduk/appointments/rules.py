"""Who may book what, and when: checks that read but never write. Each refusal is a
BookingRefused with a code the API and pages turn into a clear message."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from adminduk.enrollment.models import KtpRequest
from adminduk.enrollment.statuses import RequestStatus
from adminduk.population import rules as population_rules
from adminduk.population.choices import LifeStatus
from adminduk.population.models import Resident

from . import capacity
from .choices import OPEN_STATUSES, Service
from .models import Booking, Slot

# Requests in these statuses mean the resident has not been recorded (yet, or validly).
NOT_RECORDED_STATUSES = (RequestStatus.BOOKED, RequestStatus.CHECKED_IN, RequestStatus.REJECTED)


class BookingRefused(ValidationError):
    """A booking, reschedule or cancellation that is refused; nothing was stored."""

    def __init__(self, message, code: str, status: int = 422):
        super().__init__(message, code=code)
        self.status = status

    @property
    def text(self) -> str:
        return self.messages[0]


def _when(moment: dt.datetime, office) -> str:
    local = moment.astimezone(office.local_timezone())
    return f"{date_format(local.date(), 'DATE_FORMAT')} {local:%H:%M}"


def resident_for_nik(nik: str) -> Resident:
    try:
        parsed = population_rules.parse_nik((nik or "").strip())
    except population_rules.NumberError as exc:
        raise BookingRefused(exc.message, "invalid_nik") from exc
    resident = Resident.objects.select_related("kelurahan").filter(nik=parsed.number).first()
    if resident is None:
        raise BookingRefused(_("No resident with NIK %(nik)s is in the registry.") % {"nik": parsed.number}, "unknown_nik", 404)
    return resident


def is_recorded(nik: str) -> bool:
    """Whether the person's biometrics were taken (a request past check-in that was not refused)."""
    return KtpRequest.objects.filter(nik=nik).exclude(status__in=NOT_RECORDED_STATUSES).exists()


def check_resident(resident: Resident, service: str, on: dt.date) -> None:
    if resident.life_status != LifeStatus.HIDUP:
        raise BookingRefused(
            _("NIK %(nik)s is registered as %(status)s and cannot book.") % {"nik": resident.nik, "status": resident.get_life_status_display()},
            "not_alive",
        )
    if service == Service.PEREKAMAN:
        if not resident.is_wajib_ktp(on):
            raise BookingRefused(
                _("%(name)s is not wajib KTP on %(date)s (17 years old, or married, is needed for e-KTP recording).")
                % {"name": resident.full_name, "date": date_format(on, "DATE_FORMAT")},
                "not_wajib_ktp",
            )
        if is_recorded(resident.nik):
            raise BookingRefused(
                _("%(name)s has already been recorded for e-KTP; no recording appointment is needed.") % {"name": resident.full_name},
                "already_recorded",
                409,
            )


def check_no_open_booking(resident: Resident, service: str, *, besides: Booking | None = None) -> None:
    existing = Booking.objects.select_related("slot", "office").filter(resident=resident, service=service, status__in=OPEN_STATUSES)
    if besides is not None:
        existing = existing.exclude(pk=besides.pk)
    found = existing.first()
    if found is not None:
        raise BookingRefused(
            _("%(name)s already has a booking at %(office)s on %(when)s; reschedule or cancel it instead.")
            % {"name": resident.full_name, "office": found.office.name, "when": _when(found.slot.starts_at, found.office)},
            "already_booked",
            409,
        )


def check_changeable(slot: Slot, now: dt.datetime | None = None, *, what: str = "book") -> None:
    """Refuse a past slot, one within the office's latest change time, or one too far ahead."""
    now = now or timezone.now()
    conf = capacity.settings_for(slot.office)
    if slot.starts_at <= now:
        raise BookingRefused(_("The slot on %(when)s has already begun or passed.") % {"when": _when(slot.starts_at, slot.office)}, "past")
    cutoff = slot.starts_at - dt.timedelta(minutes=conf.change_cutoff_minutes)
    if now > cutoff:
        raise BookingRefused(
            _("Changes to the slot on %(when)s closed at %(cutoff)s (%(minutes)s minutes before it starts).")
            % {"when": _when(slot.starts_at, slot.office), "cutoff": _when(cutoff, slot.office), "minutes": conf.change_cutoff_minutes},
            "too_late",
        )
    if what == "book" and slot.date > now.astimezone(slot.office.local_timezone()).date() + dt.timedelta(days=conf.horizon_days):
        raise BookingRefused(
            _("Bookings open %(days)s days ahead; %(date)s is further away.") % {"days": conf.horizon_days, "date": date_format(slot.date, "DATE_FORMAT")},
            "too_far",
        )


def slot_full(slot: Slot) -> BookingRefused:
    return BookingRefused(
        _("The slot on %(when)s at %(office)s is full; choose another time.") % {"when": _when(slot.starts_at, slot.office), "office": slot.office.name},
        "slot_full",
        409,
    )
