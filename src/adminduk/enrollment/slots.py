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


# One message per finger (not "side + finger" joined at import time): the label is translated
# when shown, and each language keeps its own word order ("jari telunjuk kanan").
_FINGER_LABELS = {
    "R1": _("right thumb"), "R2": _("right index finger"), "R3": _("right middle finger"),
    "R4": _("right ring finger"), "R5": _("right little finger"),
    "L1": _("left thumb"), "L2": _("left index finger"), "L3": _("left middle finger"),
    "L4": _("left ring finger"), "L5": _("left little finger"),
}  # fmt: skip


def _fingers() -> list[Slot]:
    return [
        Slot(f"finger_{hand}{number}", FINGER, f"{hand}{number}", _FINGER_LABELS[f"{hand}{number}"], offset + number)
        for hand, offset in (("R", 0), ("L", 5))
        for number in range(1, 6)
    ]


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
