"""Why personal data was read or changed, and whose data it was: both stored with the audit
entry at write time (AuditEntry.purpose, subject_nik, subject_kk), so a resident's data tracker
is an index lookup and shows the purpose of every staff read.

Operator pages that open a resident's record either ask for the purpose (the search form and the
record pages take `tujuan`) or infer it from the page: a recording session reads for recording,
a card handover for pickup, an application page for the application, the edit page for a
correction. `record` infers what the caller does not give."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    RECORDING = "recording", _("e-KTP recording")
    PICKUP = "pickup", _("card pickup")
    APPLICATION = "application", _("application")
    CORRECTION = "correction", _("data correction")
    COMPLAINT = "complaint", _("complaint")
    # Named legal categories: a Dinas may withhold entries of these from the tracker for a while.
    POLICE_INVESTIGATION = "police_investigation", _("police investigation")
    COURT_ORDER = "court_order", _("court order")
    # Set by the system, never chosen by an operator.
    SYSTEM = "system", _("automatic processing")


# What an operator may choose on a page that asks.
CHOOSABLE = [p for p in Purpose if p != Purpose.SYSTEM]
LEGAL_CATEGORIES = [Purpose.POLICE_INVESTIGATION, Purpose.COURT_ORDER]

# Purpose implied by the kind of record read, when the caller gives none.
BY_OBJECT_TYPE = {
    "recording": Purpose.RECORDING,
    "recording_session": Purpose.RECORDING,
    "biometric_capture": Purpose.RECORDING,
    "biometric_exception": Purpose.RECORDING,
    "biometric_image": Purpose.RECORDING,
    "adjudication": Purpose.RECORDING,
    "ktp_request": Purpose.RECORDING,
    "card": Purpose.PICKUP,
    "handover": Purpose.PICKUP,
    "suket": Purpose.PICKUP,
    "civil_application": Purpose.APPLICATION,
    "civil_document": Purpose.APPLICATION,
    "document": Purpose.APPLICATION,
    "booking": Purpose.APPLICATION,
    "correction_request": Purpose.CORRECTION,
    "objection": Purpose.COMPLAINT,
}

_DIGITS16 = re.compile(r"^\d{16}$")


def parse(value) -> str | None:
    """A purpose code from a request parameter, or None when missing or unknown."""
    value = (value or "").strip()
    return value if value in {p.value for p in CHOOSABLE} else None


def label(code: str | None) -> str:
    if not code:
        return ""
    try:
        return str(Purpose(code).label)
    except ValueError:
        return code


def infer_subjects(object_type: str, object_id: str, details: dict | None) -> tuple[str | None, str | None]:
    """(NIK, KK number) an entry is about, from what every caller already passes: the record's
    own id for residents and KKs, the `nik` / `subject_nik` / `kk_number` of its details."""
    details = details or {}
    nik = kk = None
    object_id = str(object_id or "")
    if object_type in ("resident", "ktp_request", "portal") and _DIGITS16.match(object_id):
        nik = object_id
    elif object_type == "family" and _DIGITS16.match(object_id):
        kk = object_id
    for key in ("subject_nik", "nik"):
        value = details.get(key)
        if nik is None and isinstance(value, str) and _DIGITS16.match(value):
            nik = value
    value = details.get("kk_number")
    if kk is None and isinstance(value, str) and _DIGITS16.match(value):
        kk = value
    return nik, kk


def infer_purpose(object_type: str, details: dict | None, actor) -> str | None:
    if actor is None:
        return Purpose.SYSTEM.value
    if (details or {}).get("page") == "edit":
        return Purpose.CORRECTION.value
    implied = BY_OBJECT_TYPE.get(object_type)
    return implied.value if implied else None
