"""What a recording captures: one slot per biometric, and the reason codes for a biometric that
cannot be captured (each needs a supervisor's approval).

Finger positions follow ISO/IEC 19794-4: 1–5 right thumb to little finger, 6–10 left thumb to
little finger; here R1..R5 and L1..L5 so an operator reads them at a glance.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

FACE, FINGER, IRIS, SIGNATURE = "face", "finger", "iris", "signature"
MODALITIES = (FACE, FINGER, IRIS, SIGNATURE)


@dataclass(frozen=True)
class Slot:
    name: str  # also the packet part name
    modality: str
    position: str
    label: str
    iso_position: int = 0  # ISO/IEC 19794-4 finger position; 0 when not a finger


_FINGER_NAMES = [_("thumb"), _("index finger"), _("middle finger"), _("ring finger"), _("little finger")]


def _fingers() -> list[Slot]:
    slots = []
    for hand, offset, side in (("R", 0, _("right")), ("L", 5, _("left"))):
        for number, finger in enumerate(_FINGER_NAMES, start=1):
            slots.append(Slot(f"finger_{hand}{number}", FINGER, f"{hand}{number}", f"{side} {finger}", offset + number))
    return slots


SLOTS: tuple[Slot, ...] = (
    Slot("face", FACE, "frontal", _("face photo")),
    *_fingers(),
    Slot("iris_R", IRIS, "R", _("right iris")),
    Slot("iris_L", IRIS, "L", _("left iris")),
    Slot("signature", SIGNATURE, "-", _("signature")),
)
BY_NAME = {slot.name: slot for slot in SLOTS}
SLOT_NAMES = tuple(BY_NAME)


class ExceptionCode(models.TextChoices):
    """Why a biometric is not captured; recorded in the packet in place of the capture."""

    AMPUTATION = "amputation", _("amputated / missing finger")
    BANDAGED = "bandaged", _("bandaged or temporarily injured")
    ILLEGIBLE = "illegible", _("damaged or worn, illegible ridges")
    MISSING_EYE = "missing_eye", _("missing eye / prosthesis")
    EYE_DISEASE = "eye_disease", _("eye disease or injury (e.g. cataract)")
    UNABLE_TO_SIGN = "unable_to_sign", _("unable to sign (illiterate or disabled)")


# The face photo has no exception: the card cannot be issued without it.
ALLOWED_EXCEPTIONS = {
    FACE: (),
    FINGER: (ExceptionCode.AMPUTATION, ExceptionCode.BANDAGED, ExceptionCode.ILLEGIBLE),
    IRIS: (ExceptionCode.MISSING_EYE, ExceptionCode.EYE_DISEASE, ExceptionCode.BANDAGED),
    SIGNATURE: (ExceptionCode.UNABLE_TO_SIGN,),
}


def exception_choices(slot: Slot) -> list[tuple[str, str]]:
    return [(code.value, code.label) for code in ALLOWED_EXCEPTIONS[slot.modality]]
