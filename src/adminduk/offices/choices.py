"""Code lists of the offices app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    """Python's numbering (date.weekday()): Monday is 0."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class EquipmentKind(models.TextChoices):
    # One recording set is one recording point: the PC with camera, fingerprint scanner,
    # iris scanner and signature pad that together take one resident's perekaman.
    RECORDING_SET = "recording_set", _("recording set (perangkat perekaman)")
    CARD_PRINTER = "card_printer", _("card printer")


class EquipmentStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    BROKEN = "broken", _("broken")
    IN_REPAIR = "in_repair", _("in repair")
    RETIRED = "retired", _("retired")
