"""Services, priority groups and ticket statuses of the office queue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    PEREKAMAN = "perekaman", _("e-KTP recording")
    PENGAMBILAN = "pengambilan", _("KTP-el pickup")
    KK_AKTA = "kk_akta", _("KK and akta")


# The letter in front of a ticket number on the display: A012 is the 12th recording ticket.
SERVICE_LETTER = {Service.PEREKAMAN: "A", Service.PENGAMBILAN: "B", Service.KK_AKTA: "C"}


class Priority(models.TextChoices):
    BOOKING = "booking", _("booked appointment")
    LANSIA = "lansia", _("elderly (lansia)")
    DISABILITAS = "disabilitas", _("person with a disability")
    IBU_HAMIL = "ibu_hamil", _("pregnant woman")
    UMUM = "umum", _("general")


# Lower ranks are called first; within a rank, the earlier ticket (or the one skipped longest ago).
PRIORITY_RANK = {
    Priority.BOOKING: 0,
    Priority.LANSIA: 1,
    Priority.DISABILITAS: 1,
    Priority.IBU_HAMIL: 1,
    Priority.UMUM: 2,
}


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")
    CALLED = "called", _("called")
    SERVED = "served", _("served")
    NO_SHOW = "no_show", _("did not come")


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("invited")
    CANCELLED = "cancelled", _("cancelled")
