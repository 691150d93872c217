"""Handing a card to its holder: find it by NIK at the office, confirm identity 1:1 against the
fingerprint templates on the card's chip (captured through the fingerprint device adapter), or
by signature with a reason when fingerprints fail; the request becomes picked up."""

import base64
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from adminduk.audit.actions import record
from adminduk.biometrics import templates as tpl
from adminduk.biometrics.matching import THRESHOLD
from adminduk.enrollment import requests as ktp_requests
from adminduk.enrollment.statuses import RequestStatus as S

from .. import events
from ..choices import CardStatus, IdentityCheck
from ..errors import PrintingError
from ..models import Card, Handover

# A 1:1 check against one's own card accepts what the 1:N dedup calls a match.
VERIFY_THRESHOLD = THRESHOLD


@dataclass(frozen=True)
class FingerCheck:
    position: str
    score: float

    @property
    def passed(self) -> bool:
        return self.score >= VERIFY_THRESHOLD


def card_for_pickup(nik: str, office) -> Card:
    nik = (nik or "").strip()
    if not (len(nik) == 16 and nik.isdigit()):
        raise PrintingError(_("A NIK has 16 digits."), code="bad_nik")
    card = Card.objects.filter(nik=nik, office=office, status=CardStatus.AT_OFFICE).select_related("request", "job").first()
    if card is None:
        raise PrintingError(_("No card for NIK %(nik)s is waiting at %(office)s.") % {"nik": nik, "office": office.name}, code="no_card")
    return card


def check_fingerprint(card: Card, *, subject: str | None = None, position: str = "R1", adapter=None) -> FingerCheck:
    """Capture one finger of the person at the counter and compare it with the chip's template."""
    from adminduk.enrollment.devices import adapter_for

    stored = card.job.chip_templates.get(f"finger_{position}")
    if not stored:
        raise PrintingError(_("The card's chip holds no template of that finger; use the signature check."), code="no_template")
    adapter = adapter or adapter_for("finger")
    capture = adapter.capture(subject or card.nik, position)
    score = tpl.similarity(tpl.decode(base64.b64decode(stored)), capture.template)
    return FingerCheck(position, float(score))


@transaction.atomic
def hand_over(card: Card, *, method: str, office, actor=None, check: FingerCheck | None = None, reason: str = "", device_time=None, handover_id=None) -> Handover:
    card = Card.objects.select_for_update(of=("self",)).select_related("request").get(pk=card.pk)
    reason = (reason or "").strip()
    if card.status != CardStatus.AT_OFFICE or card.office_id != office.pk:
        raise PrintingError(_("Card %(serial)s is not waiting at this office (%(status)s).") % {"serial": card.serial, "status": card.get_status_display()}, code="not_at_office")
    if method == IdentityCheck.FINGERPRINT:
        if check is None or not check.passed:
            raise PrintingError(_("The fingerprint does not match the card. Try again, or confirm by signature and give the reason."), code="fingerprint_failed")
    elif method == IdentityCheck.SIGNATURE:
        if not reason:
            raise PrintingError(_("Confirming by signature needs the reason the fingerprints failed."), code="reason_required")
    else:
        raise PrintingError(_("Choose how the holder's identity was confirmed."), code="bad_method")
    fields = {"id": handover_id} if handover_id else {}
    handover = Handover.objects.create(
        card=card, method=method, score=check.score if check else None, reason=reason[:300], office=office,
        actor=actor if getattr(actor, "pk", None) else None, actor_username=getattr(actor, "username", "") or "", **fields,
    )
    card.status = CardStatus.PICKED_UP
    card.save(update_fields=["status", "updated_at"])
    ktp_requests.transition(card.request, S.PICKED_UP, actor=actor, device_time=device_time, reason=reason,
                            details={"card": card.serial, "method": method, "score": check.score if check else None})
    record(None, "update", actor=actor, object_type="card", object_id=card.serial, kecamatan_code=card.request.kecamatan_code,
           details={"nik": card.nik, "handover": method, "reason": reason})
    events.emit("handover", office, actor=actor, rows=[card], serial=card.serial, method=method, reason=reason, handover=str(handover.pk),
                score=check.score if check else None, finger=check.position if check else None)
    return handover
