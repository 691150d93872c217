"""Where a resident's request stands, in plain words (not the office's status names)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from adminduk.enrollment.statuses import RequestStatus as S

# The steps a resident sees, in order; each of our statuses belongs to one.
STEPS = ("booked", "recorded", "checking", "printing", "ready", "done")


@dataclass(frozen=True)
class PlainStatus:
    step: str  # one of STEPS, or "rejected"
    title: str
    explanation: str
    tone: str  # "info", "ok", "warn", "error": the badge colour

    @property
    def step_number(self) -> int:
        return STEPS.index(self.step) + 1 if self.step in STEPS else 0


def plain_status(status: str, office_name: str, reason: str = "") -> PlainStatus:
    """The words for a KtpRequest's `status`; `office_name` is where the resident goes."""
    office = {"office": office_name}
    if status in (S.BOOKED,):
        return PlainStatus("booked", _("Booked"), _("Come to %(office)s at your appointment time with your KK.") % office, "info")
    if status == S.CHECKED_IN:
        return PlainStatus("booked", _("Checked in"), _("You are in the queue at %(office)s.") % office, "info")
    if status == S.RECORDED:
        return PlainStatus("recorded", _("Recording done"), _("Your photo, fingerprints and signature were taken at %(office)s.") % office, "info")
    if status in (S.SENT, S.RECEIVED, S.VALIDATED, S.DEDUP_PENDING, S.DUPLICATE_SUSPECTED, S.ADJUDICATED):
        return PlainStatus("checking", _("Being checked"), _("The Dinas is checking your data. You do not need to do anything."), "info")
    if status in (S.PRINT_READY, S.PRINTING):
        return PlainStatus("printing", _("Being printed"), _("Your card is waiting to be printed."), "info")
    if status in (S.PRINTED, S.IN_TRANSIT):
        return PlainStatus("printing", _("Printed"), _("Your card is printed and on its way to %(office)s.") % office, "info")
    if status == S.AT_OFFICE:
        return PlainStatus(
            "ready", _("Card ready for pickup"), _("Your card is ready for pickup at %(office)s. Bring your KK.") % office, "ok"
        )
    if status == S.PICKED_UP:
        return PlainStatus("done", _("Picked up"), _("You have received your card."), "ok")
    if status == S.REJECTED:
        explanation = _("This request was not accepted. Please ask at %(office)s.") % office
        if reason:
            explanation = f"{explanation} ({reason})"
        return PlainStatus("rejected", _("Not accepted"), explanation, "error")
    return PlainStatus("checking", _("In process"), "", "info")


def step_labels() -> list[str]:
    return [_("Booked"), _("Recording done"), _("Being checked"), _("Being printed"), _("Ready for pickup"), _("Picked up")]
