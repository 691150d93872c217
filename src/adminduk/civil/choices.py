"""Application kinds and statuses of civil registration (pencatatan sipil) and KK services."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    AKTA_KELAHIRAN = "akta_kelahiran", _("akta kelahiran (birth certificate)")
    AKTA_KEMATIAN = "akta_kematian", _("akta kematian (death certificate)")
    KIA = "kia", _("KIA (child identity card)")
    KK_NEWBORN = "kk_newborn", _("KK: add a newborn")
    KK_REMOVE_DECEASED = "kk_remove_deceased", _("KK: remove a deceased member")
    KK_MOVE_IN = "kk_move_in", _("KK: move into a KK")
    KK_MOVE_OUT = "kk_move_out", _("KK: move out of a KK")
    KK_SPLIT = "kk_split", _("KK: split a KK")
    KK_CORRECT = "kk_correct", _("KK: correct data")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("submitted, being checked")
    NEEDS_DOCUMENTS = "needs_documents", _("waiting for more documents")
    APPROVED = "approved", _("approved, documents issued")
    REJECTED = "rejected", _("rejected")


OPEN = frozenset({Status.SUBMITTED, Status.NEEDS_DOCUMENTS})


class Channel(models.TextChoices):
    COUNTER = "counter", _("office counter")
    PORTAL = "portal", _("resident portal")


class Action(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    DOCUMENT_ADDED = "document_added", _("document added")
    DOCUMENTS_REQUESTED = "documents_requested", _("more documents requested")
    RESUMED = "resumed", _("documents complete, back in the queue")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    RECEIVED = "received", _("received at the central")


class Requirement(models.TextChoices):
    """Supporting documents an application may ask for (DOMAIN.md)."""

    BIRTH_LETTER = "birth_letter", _("birth letter (hospital, midwife or village)")
    DEATH_LETTER = "death_letter", _("death letter (hospital or village)")
    FAMILY_CARD = "family_card", _("KK (family card)")
    PARENTS_KTP = "parents_ktp", _("parents' KTP-el")
    MARRIAGE = "marriage", _("marriage certificate or SPTJM")
    DECEASED_KTP = "deceased_ktp", _("KTP-el of the deceased")
    REPORTER_KTP = "reporter_ktp", _("reporter's KTP-el")
    AKTA_KELAHIRAN = "akta_kelahiran", _("akta kelahiran")
    AKTA_KEMATIAN = "akta_kematian", _("akta kematian")
    CHILD_PHOTO = "child_photo", _("child's photo (age 5 to 17)")
    MOVING_LETTER = "moving_letter", _("moving letter (SKPWNI)")
    EVIDENCE = "evidence", _("evidence of the correct data")
    APPLICATION_FORM = "application_form", _("signed application form (F-1.01)")
