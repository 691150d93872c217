"""Every write to offices, their opening hours, closed days and equipment goes through one
function here. Each validates first and writes in one transaction, so a refused change stores
nothing; equipment changes write their EquipmentStatusChange in the same transaction."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import rules
from .choices import EquipmentStatus
from .models import ClosedDay, Equipment, EquipmentStatusChange, Office, OpeningHours
from .signals import capacity_changed

OFFICE_FIELDS = ("code", "name", "kind", "regency", "kecamatan", "address", "phone", "is_active")
CLOSED_DAY_FIELDS = ("office", "regency", "date", "reason")


def _lock_office(office: Office) -> Office:
    # Opening-hour checks read the office's other periods; the row lock makes two concurrent
    # edits of one office's hours queue instead of both passing the overlap check.
    return Office.objects.select_for_update().get(pk=office.pk)


def _capacity_changed(*offices) -> None:
    capacity_changed.send(sender=Office, offices=[office for office in offices if office is not None])


def _closed_day_offices(closed_day: ClosedDay) -> list[Office]:
    if closed_day.office_id:
        return [closed_day.office]
    return list(Office.objects.filter(regency_id=closed_day.regency_id))


def _set_fields(instance, changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))} here")
    for name, value in changes.items():
        setattr(instance, name, value)


# Offices


@transaction.atomic
def create_office(*, code: str, name: str, kind: str, regency, kecamatan=None, address: str = "", phone: str = "", is_active: bool = True) -> Office:
    office = Office(
        code=code, name=name, kind=kind, regency=regency, kecamatan=kecamatan, address=address, phone=phone, is_active=is_active
    )
    office.full_clean()
    office.save()
    return office


@transaction.atomic
def update_office(office: Office, changes: dict) -> Office:
    """Change an office's own fields (name, address, is_active, ...)."""
    office = _lock_office(office)
    _set_fields(office, changes, OFFICE_FIELDS)
    office.full_clean()
    office.save()
    _capacity_changed(office)
    return office


# Opening hours


@dataclass
class HoursChange:
    added: list[OpeningHours] = field(default_factory=list)
    removed: list[OpeningHours] = field(default_factory=list)

    def __bool__(self):
        return bool(self.added or self.removed)


@transaction.atomic
def set_opening_hours(office: Office, periods: Iterable[rules.WeeklyPeriod]) -> HoursChange:
    """Make the office's weekly hours exactly `periods` [(weekday, opens, closes)]. Rows that
    stay the same are kept, so setting the same week again changes nothing."""
    periods = [(int(weekday), opens, closes) for weekday, opens, closes in periods]
    rules.check_periods(periods)
    office = _lock_office(office)
    wanted = set(periods)
    change = HoursChange()
    for row in OpeningHours.objects.filter(office=office):
        key = (row.weekday, row.opens, row.closes)
        if key in wanted:
            wanted.discard(key)
        else:
            change.removed.append(row)
    if change.removed:
        OpeningHours.objects.filter(pk__in=[row.pk for row in change.removed]).delete()
    change.added = OpeningHours.objects.bulk_create(
        [OpeningHours(office=office, weekday=weekday, opens=opens, closes=closes) for weekday, opens, closes in sorted(wanted)]
    )
    if change:
        _capacity_changed(office)
    return change


@transaction.atomic
def add_opening_hours(office: Office, weekday: int, opens: dt.time, closes: dt.time) -> OpeningHours:
    """Add one service period; refused if it overlaps the office's other periods that day."""
    rules.check_periods([(weekday, opens, closes)])
    office = _lock_office(office)
    same_day = list(OpeningHours.objects.filter(office=office, weekday=weekday).values_list("weekday", "opens", "closes"))
    rules.check_periods([*same_day, (weekday, opens, closes)])
    hours = OpeningHours.objects.create(office=office, weekday=weekday, opens=opens, closes=closes)
    _capacity_changed(office)
    return hours


@transaction.atomic
def remove_opening_hours(hours: OpeningHours) -> None:
    office = _lock_office(hours.office)
    OpeningHours.objects.filter(pk=hours.pk).delete()
    _capacity_changed(office)


# Closed days


def _check_closed_day(closed_day: ClosedDay) -> None:
    if closed_day.office_id is not None and closed_day.regency_id is not None:
        raise ValidationError({"regency": _("Choose either one office or a whole kab/kota.")})
    if not (closed_day.reason or "").strip():
        raise ValidationError({"reason": _("Say why there is no service that day.")})
    closed_day.reason = closed_day.reason.strip()
    closed_day.full_clean()


@transaction.atomic
def add_closed_day(date: dt.date, reason: str, *, office: Office | None = None, regency=None) -> ClosedDay:
    """No service on `date` at `office`, or at every office of `regency` (national holiday,
    cuti bersama). Give exactly one of the two."""
    closed_day = ClosedDay(date=date, reason=reason, office=office, regency=regency)
    _check_closed_day(closed_day)
    closed_day.save()
    _capacity_changed(*_closed_day_offices(closed_day))
    return closed_day


@transaction.atomic
def update_closed_day(closed_day: ClosedDay, changes: dict) -> ClosedDay:
    closed_day = ClosedDay.objects.select_for_update().get(pk=closed_day.pk)
    before = _closed_day_offices(closed_day)
    _set_fields(closed_day, changes, CLOSED_DAY_FIELDS)
    _check_closed_day(closed_day)
    closed_day.save()
    _capacity_changed(*{office.pk: office for office in before + _closed_day_offices(closed_day)}.values())
    return closed_day


@transaction.atomic
def remove_closed_day(closed_day: ClosedDay) -> None:
    offices = _closed_day_offices(closed_day)
    ClosedDay.objects.filter(pk=closed_day.pk).delete()
    _capacity_changed(*offices)


# Equipment


def _lock_equipment(equipment: Equipment) -> Equipment:
    return Equipment.objects.select_for_update().select_related("office").get(pk=equipment.pk)


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why; the reason is kept in the equipment's history.")})
    return reason


@transaction.atomic
def add_equipment(
    office: Office,
    kind: str,
    serial_number: str,
    *,
    label: str = "",
    status: str = EquipmentStatus.ACTIVE,
    actor=None,
    reason: str = "",
) -> Equipment:
    """Register equipment at `office`; its history starts with this registration."""
    error = rules.initial_status_error(status)
    if error:
        raise ValidationError({"status": error})
    equipment = Equipment(office=office, kind=kind, serial_number=(serial_number or "").strip(), label=label.strip(), status=status)
    equipment.full_clean()  # also refuses a serial number that is already registered
    equipment.save()
    EquipmentStatusChange.objects.create(
        equipment=equipment, from_status="", to_status=status, to_office=office, changed_by=actor, reason=reason.strip()
    )
    _capacity_changed(office)
    return equipment


@transaction.atomic
def change_equipment_status(equipment: Equipment, status: str, reason: str, actor=None) -> EquipmentStatusChange:
    """Set the status (active, broken, in_repair, retired). A change to the status it already
    has, or any change of retired equipment, is refused."""
    reason = _required_reason(reason)
    equipment = _lock_equipment(equipment)
    error = rules.status_change_error(equipment.status, status)
    if error:
        raise ValidationError({"status": error})
    previous = equipment.status
    equipment.status = status
    equipment.save(update_fields=["status", "updated_at"])
    _capacity_changed(equipment.office)
    return EquipmentStatusChange.objects.create(
        equipment=equipment,
        from_status=previous,
        to_status=status,
        from_office=equipment.office,
        to_office=equipment.office,
        changed_by=actor,
        reason=reason,
    )


@transaction.atomic
def move_equipment(equipment: Equipment, to_office: Office, reason: str, actor=None) -> EquipmentStatusChange:
    """Move equipment to another office in service; its status is unchanged."""
    reason = _required_reason(reason)
    equipment = _lock_equipment(equipment)
    error = rules.move_error(equipment.status, equipment.office, to_office)
    if error:
        raise ValidationError({"office": error})
    from_office = equipment.office
    equipment.office = to_office
    equipment.save(update_fields=["office", "updated_at"])
    _capacity_changed(from_office, to_office)
    return EquipmentStatusChange.objects.create(
        equipment=equipment,
        from_status=equipment.status,
        to_status=equipment.status,
        from_office=from_office,
        to_office=to_office,
        changed_by=actor,
        reason=reason,
    )


@transaction.atomic
def relabel_equipment(equipment: Equipment, label: str) -> Equipment:
    """Change the label shown to operators (e.g. which loket); not part of the history."""
    equipment = _lock_equipment(equipment)
    equipment.label = label.strip()
    equipment.full_clean()
    equipment.save(update_fields=["label", "updated_at"])
    return equipment
