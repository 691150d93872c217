"""Capacity follows the office at once: when offices.actions reports a change of equipment,
hours, closed days or the active flag, every future slot of the office is brought in line
within the same transaction (appointments.slots.refresh)."""

from django.dispatch import receiver

from adminduk.offices.signals import capacity_changed


@receiver(capacity_changed, dispatch_uid="appointments_refresh_capacity")
def refresh_capacity(sender, offices, **kwargs):
    from . import slots

    for office in offices:
        slots.refresh(office)
