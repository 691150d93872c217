"""The device-adapter interface: one adapter per modality, so a vendor SDK (a camera, a slap
fingerprint scanner, an iris camera, a signature pad) can replace the simulator without any
change to the recording workflow.

An adapter returns a `Capture`: the image already compressed in the format the packet carries,
its geometry, the quality figures measured on the raw frame (enrollment.quality.measure), and a
template in the biometrics.templates format (DIM floats, any scale; it is normalised).
A capture lives in memory only: the workflow seals it to the central at once.
"""

import abc
import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from ..slots import FACE, FINGER, IRIS, SIGNATURE


class DeviceError(RuntimeError):
    """The device could not capture (unplugged, timeout, SDK error); `message` is for the operator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Capture:
    modality: str
    position: str
    image: bytes  # compressed: JPEG 2000 (jp2), JPEG or PNG
    image_format: str  # "jp2" | "jpeg" | "png" | "wsq"
    width: int
    height: int
    dpi: int
    quality: dict  # focus, brightness, template_quality (0–100), as measured by the device
    template: np.ndarray
    captured_at: dt.datetime  # the device's clock (UTC)
    device: str  # make/model/serial, for the packet
    preview: bytes = field(default=b"", repr=False)  # small PNG/JPEG for the operator's screen only


class DeviceAdapter(abc.ABC):
    modality: str = ""
    # True for adapters that make up their images: the UI may then offer the quality knob.
    simulated: bool = False

    @abc.abstractmethod
    def capture(self, subject: str, position: str, **options) -> Capture:
        """Capture `position` of the person in front of the device. `subject` names that person
        for adapters that need it (the simulator); real devices ignore it."""

    def describe(self) -> str:
        return type(self).__name__


class Camera(DeviceAdapter):
    modality = FACE


class FingerprintScanner(DeviceAdapter):
    modality = FINGER


class IrisScanner(DeviceAdapter):
    modality = IRIS


class SignaturePad(DeviceAdapter):
    modality = SIGNATURE


BASES = {FACE: Camera, FINGER: FingerprintScanner, IRIS: IrisScanner, SIGNATURE: SignaturePad}
