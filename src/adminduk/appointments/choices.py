"""Code lists of the appointments app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    """What a resident books. Only perekaman takes a recording set, so only it is booked
    against capacity; the other counter services are walk-in (the queue app)."""

    PEREKAMAN = "perekaman", _("e-KTP recording (perekaman)")


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("booked")
    CHECKED_IN = "checked_in", _("checked in")
    CANCELLED = "cancelled", _("cancelled")
    ATTENDED = "attended", _("attended")
    NO_SHOW = "no_show", _("did not come")


# A booking in one of these holds a place in its slot.
OPEN_STATUSES = (BookingStatus.BOOKED, BookingStatus.CHECKED_IN)


class Channel(models.TextChoices):
    COUNTER = "counter", _("at the counter")
    PORTAL = "portal", _("resident portal")
    INVITATION = "invitation", _("RT invitation")
