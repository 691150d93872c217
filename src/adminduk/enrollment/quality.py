"""Quality checks of a capture: resolution, focus, brightness and template quality. A capture
that fails any check cannot be submitted; the operator is told what is wrong and retakes it.

Focus is the variance of the Laplacian of the grey image (a sharp image has strong local
contrast; a blurred one has almost none); brightness is the mean grey level (0–255). Template
quality is the device's own 0–100 score (NFIQ 2 style for fingerprints).
"""

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from .slots import FACE, FINGER, IRIS, SIGNATURE

# Resolution. ISO/IEC 19794-4 and the e-KTP specification: fingerprints at 500 dpi at least.
MIN_FINGER_DPI = 500
# ICAO 9303 / ISO 19794-5 token image: at least 240 x 320 pixels.
MIN_FACE_SIZE = (240, 320)
# ISO/IEC 19794-6 cropped iris image (IMAGE_TYPE_CROPPED): 320 x 240 pixels.
MIN_IRIS_SIZE = (320, 240)
MIN_SIGNATURE_SIZE = (300, 100)

# Focus (variance of the Laplacian) below which an image is too blurred to use.
MIN_FOCUS = {FACE: 40.0, FINGER: 300.0, IRIS: 40.0, SIGNATURE: 0.0}
# Mean grey level outside this range: too dark or overexposed.
BRIGHTNESS_RANGE = {FACE: (60.0, 210.0), FINGER: (70.0, 235.0), IRIS: (50.0, 200.0), SIGNATURE: (150.0, 255.0)}
# Device template-quality score (0–100) below which matching is unreliable.
MIN_TEMPLATE_QUALITY = 40


def laplacian_variance(gray: np.ndarray) -> float:
    g = np.asarray(gray, dtype=np.float32)
    if g.ndim == 3:
        g = g.mean(axis=2)
    if g.shape[0] < 3 or g.shape[1] < 3:
        return 0.0
    lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4.0 * g[1:-1, 1:-1]
    return float(lap.var())


def measure(pixels: np.ndarray) -> dict:
    """Focus and brightness of a raw frame (grey or RGB, 0–255), before compression."""
    g = np.asarray(pixels, dtype=np.float32)
    if g.ndim == 3:
        g = g.mean(axis=2)
    return {"focus": round(laplacian_variance(g), 1), "brightness": round(float(g.mean()), 1)}


@dataclass(frozen=True)
class Problem:
    code: str  # resolution | focus | brightness | template_quality | no_template
    message: str


@dataclass(frozen=True)
class Assessment:
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


def assess(*, modality: str, width: int, height: int, dpi: int, quality: dict, has_template: bool = True) -> Assessment:
    """Every check `modality` needs; each failure comes with a message for the operator."""
    problems = []
    if modality == FINGER and dpi < MIN_FINGER_DPI:
        problems.append(Problem("resolution", _("Resolution is %(dpi)d dpi; fingerprints need at least %(min)d dpi.") % {"dpi": dpi, "min": MIN_FINGER_DPI}))
    minimum = {FACE: MIN_FACE_SIZE, IRIS: MIN_IRIS_SIZE, SIGNATURE: MIN_SIGNATURE_SIZE}.get(modality)
    if minimum and (width < minimum[0] or height < minimum[1]):
        problems.append(
            Problem(
                "resolution",
                _("The image is %(w)d × %(h)d pixels; at least %(mw)d × %(mh)d are needed.") % {"w": width, "h": height, "mw": minimum[0], "mh": minimum[1]},
            )
        )
    focus = float(quality.get("focus", 0.0))
    if focus < MIN_FOCUS[modality]:
        problems.append(Problem("focus", _("The image is blurred (focus %(value).0f, needs %(min).0f). Hold still and retake.") % {"value": focus, "min": MIN_FOCUS[modality]}))
    low, high = BRIGHTNESS_RANGE[modality]
    brightness = float(quality.get("brightness", 0.0))
    if brightness < low:
        problems.append(Problem("brightness", _("The image is too dark (brightness %(value).0f, needs %(min).0f). Check the light and retake.") % {"value": brightness, "min": low}))
    elif brightness > high:
        problems.append(Problem("brightness", _("The image is overexposed (brightness %(value).0f, at most %(max).0f). Retake.") % {"value": brightness, "max": high}))
    if modality != SIGNATURE:
        if not has_template:
            problems.append(Problem("no_template", _("The device returned no template. Retake.")))
        tq = int(quality.get("template_quality", 0))
        if tq < MIN_TEMPLATE_QUALITY:
            problems.append(
                Problem("template_quality", _("Template quality is %(value)d (needs %(min)d). Clean the sensor or reposition, then retake.") % {"value": tq, "min": MIN_TEMPLATE_QUALITY})
            )
    return Assessment(tuple(problems))
