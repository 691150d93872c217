"""Code lists of the printing app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    PRINTING = "printing", _("printing")
    PRINTED = "printed", _("printed")
    CANCELLED = "cancelled", _("cancelled")


class Priority(models.IntegerChoices):
    """Lower goes first. Blangko is scarce: first-time recordings and urgent cases go first."""

    URGENT = 0, _("urgent")
    FIRST_TIME = 1, _("first-time recording")
    REPLACEMENT = 2, _("replacement")


class CardKind(models.TextChoices):
    KTP_EL = "ktp_el", _("KTP-el card")
    SUKET = "suket", _("surat keterangan (temporary certificate)")


class CardStatus(models.TextChoices):
    PRINTED = "printed", _("printed")
    IN_TRANSIT = "in_transit", _("in transit")
    AT_OFFICE = "at_office", _("at the office for pickup")
    PICKED_UP = "picked_up", _("picked up")
    SPOILED = "spoiled", _("spoiled")
    INVALIDATED = "invalidated", _("invalidated")


# A card in one of these still counts as the request's card (no second print).
LIVE_CARD_STATUSES = (CardStatus.PRINTED, CardStatus.IN_TRANSIT, CardStatus.AT_OFFICE, CardStatus.PICKED_UP)


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt from the centre")
    TRANSFER_OUT = "transfer_out", _("transfer to another office")
    TRANSFER_IN = "transfer_in", _("transfer from another office")
    CONSUMPTION = "consumption", _("printed card")
    SPOILAGE = "spoilage", _("spoilage")
    ADJUSTMENT = "adjustment", _("count adjustment")


class SpoilageReason(models.TextChoices):
    MISPRINT = "misprint", _("misprint")
    CHIP_FAILURE = "chip_failure", _("chip failure")
    DAMAGE = "damage", _("damage")


class ShipmentStatus(models.TextChoices):
    PREPARED = "prepared", _("prepared")
    DISPATCHED = "dispatched", _("dispatched")
    RECEIVED = "received", _("received")


class ItemState(models.TextChoices):
    EXPECTED = "expected", _("expected")
    RECEIVED = "received", _("received")
    MISSING = "missing", _("missing")
    DAMAGED = "damaged", _("damaged")


class DiscrepancyKind(models.TextChoices):
    MISSING = "missing", _("missing")
    EXTRA = "extra", _("extra")
    DAMAGED = "damaged", _("damaged")


class Resolution(models.TextChoices):
    FOUND = "found", _("found and received")
    REPRINT = "reprint", _("card invalidated, printed again")
    RETURNED = "returned", _("returned to the sender")


class IdentityCheck(models.TextChoices):
    FINGERPRINT = "fingerprint", _("fingerprint (1:1)")
    SIGNATURE = "signature", _("signature, fingerprints failed")
