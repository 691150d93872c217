"""Simulated devices for the demo and the tests: realistic-looking images made with numpy and
Pillow, and templates that behave like a real extractor's.

Everything about a synthetic person is derived from a subject key (by default the resident's
NIK; any string, so a test can present THE SAME person under two NIKs): the face's shape and
colours, each finger's ridge pattern, each iris's texture, the signature's strokes, and a latent
128-d identity vector per modality and position. Each capture adds fresh noise (placement,
pressure, lighting, sensor noise, and noise on the template), so two captures of one person have
templates with cosine similarity around 0.8–0.9 and captures of different people around 0.

`condition` simulates a poor capture so quality checks and retakes can be shown:
"good" (default), "blurred", "dark" or "low_resolution".
"""

import datetime as dt
import hashlib
import io
import math

import numpy as np
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageDraw, ImageFilter

from adminduk.biometrics import templates

from .. import quality
from .base import Camera, Capture, FingerprintScanner, IrisScanner, SignaturePad

CONDITIONS = ("good", "blurred", "dark", "low_resolution")
# (code, label) for the simulator's "condition of the next capture" choice on the station page.
CONDITION_CHOICES = (
    ("good", _("good")),
    ("blurred", _("blurred")),
    ("dark", _("too dark")),
    ("low_resolution", _("low resolution")),
)
# Template noise per capture: sigma 0.04 in 128 dimensions puts a capture at cosine ~0.91 from
# the latent identity, so two captures of one person are ~0.83 apart.
TEMPLATE_NOISE = 0.04
POOR_TEMPLATE_NOISE = 0.12

# JPEG 2000 compression ratios (ISO/IEC 19794-4/-5/-6 allow JPEG 2000 for all three); chosen so
# a full recording stays under the 60 KB biometric payload target (bench/packet_size.py).
FINGER_JP2_RATIO = 40
FACE_JP2_RATIO = 25
IRIS_JP2_RATIO = 30
FINGER_DPI = 500


def _seed(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "big")


def identity_rng(subject: str, modality: str, position: str = "") -> np.random.Generator:
    return np.random.default_rng(_seed("adminduk-sim", subject, modality, position))


def latent_template(subject: str, modality: str, position: str) -> np.ndarray:
    """The person's 'true' feature vector for one finger/eye/face (unit length)."""
    return templates.normalise(identity_rng(subject, modality, position + "#template").standard_normal(templates.DIM))


def _template(subject, modality, position, noise: np.random.Generator, poor: bool) -> tuple[np.ndarray, int]:
    sigma = POOR_TEMPLATE_NOISE if poor else TEMPLATE_NOISE
    vector = latent_template(subject, modality, position) + noise.normal(0.0, sigma, templates.DIM)
    score = int(noise.uniform(15, 35)) if poor else int(noise.uniform(62, 96))
    return templates.normalise(vector), score


def _condition(pixels: np.ndarray, condition: str, noise: np.random.Generator) -> np.ndarray:
    if condition == "dark":
        return pixels * noise.uniform(0.18, 0.28)
    return pixels


def _to_image(pixels: np.ndarray, mode: str) -> Image.Image:
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode)


def _encode_jp2(image: Image.Image, ratio: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG2000", quality_mode="rates", quality_layers=[ratio], irreversible=True, no_jp2=False)
    return buffer.getvalue()


def _preview(image: Image.Image, max_side: int = 240) -> bytes:
    image = image.copy()
    image.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    if image.mode == "1":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.convert("RGB" if image.mode == "RGB" else "L").save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _finish(image: Image.Image, condition: str) -> Image.Image:
    if condition == "blurred":
        return image.filter(ImageFilter.GaussianBlur(4))
    return image


class _Simulated:
    simulated = True
    device_name = "adminduk simulator"

    def describe(self) -> str:
        return f"{self.device_name} ({type(self).__name__})"

    @staticmethod
    def _noise(options) -> np.random.Generator:
        seed = options.get("seed")
        return np.random.default_rng(seed)

    @staticmethod
    def _check_condition(condition: str) -> str:
        if condition not in CONDITIONS:
            raise ValueError(f"unknown simulator condition {condition!r}; one of {', '.join(CONDITIONS)}")
        return condition


class SimulatedFingerprintScanner(_Simulated, FingerprintScanner):
    """A 500-dpi optical scanner: 320 x 400 pixel plain impressions (0.64 x 0.8 inch)."""

    WIDTH, HEIGHT = 320, 400

    def capture(self, subject: str, position: str, **options) -> Capture:
        condition = self._check_condition(options.get("condition", "good"))
        noise = self._noise(options)
        pixels = self.ridges(subject, position, noise)
        pixels = _condition(pixels, condition, noise)
        image = _finish(_to_image(pixels, "L"), condition)
        dpi = FINGER_DPI
        if condition == "low_resolution":
            image, dpi = image.resize((self.WIDTH // 2, self.HEIGHT // 2), Image.Resampling.BILINEAR), FINGER_DPI // 2
        raw = np.asarray(image)
        template, score = _template(subject, "finger", position, noise, condition != "good")
        return Capture(
            modality=self.modality,
            position=position,
            image=_encode_jp2(image, FINGER_JP2_RATIO),
            image_format="jp2",
            width=image.width,
            height=image.height,
            dpi=dpi,
            quality={**quality.measure(raw), "template_quality": score},
            template=template,
            captured_at=dt.datetime.now(dt.UTC),
            device=self.describe(),
            preview=_preview(image, 200),
        )

    def ridges(self, subject: str, position: str, noise: np.random.Generator) -> np.ndarray:
        ident = identity_rng(subject, "finger", position)
        h, w = self.HEIGHT, self.WIDTH
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        # Placement changes with every touch: shift and a little rotation.
        dx, dy = noise.normal(0.0, 5.0, 2)
        angle = noise.normal(0.0, 0.04)
        x, y = xx - w / 2 - dx, yy - h * 0.48 - dy
        xr = x * math.cos(angle) - y * math.sin(angle)
        yr = x * math.sin(angle) + y * math.cos(angle)
        # The person's pattern: core position, ridge period (~9 px at 500 dpi), whorl/loop/arch mix
        # and a smooth warp of low-frequency terms that makes each finger unique.
        cx, cy = ident.normal(0, 18), ident.normal(-10, 20)
        period = ident.uniform(8.5, 10.5)
        sx, sy = ident.uniform(0.8, 1.25), ident.uniform(0.8, 1.25)
        spiral = ident.choice([0.0, 1.0, 2.0, -1.0])
        arch = ident.uniform(0.0, 0.7) if ident.random() < 0.3 else 0.0
        X, Y = xr - cx, yr - cy
        r = np.sqrt((X / sx) ** 2 + (Y / sy) ** 2)
        theta = np.arctan2(Y, X)
        phase = (1 - arch) * r / period + arch * (Y + 60 * np.exp(-(X**2) / 8000.0)) / period + spiral * theta / (2 * np.pi)
        for _ in range(6):
            fx, fy, amp, ph = ident.normal(0, 5.0), ident.normal(0, 5.0), ident.uniform(0.8, 2.5), ident.uniform(0, 2 * np.pi)
            phase += amp * np.sin(fx * xr / w + fy * yr / h + ph)
        ridge = 0.5 + 0.5 * np.cos(2 * np.pi * phase)
        # Fingertip outline with a soft edge; pressure changes the contrast per touch.
        ellipse = ((xx - w / 2 - dx) / (w * 0.43)) ** 2 + ((yy - h * 0.52 - dy) / (h * 0.47)) ** 2
        mask = np.clip((1.0 - ellipse) * 6.0, 0.0, 1.0)
        pressure = noise.uniform(0.75, 0.95)
        pixels = 245.0 - mask * pressure * 200.0 * ridge
        return pixels + noise.normal(0.0, 6.0, pixels.shape)


class SimulatedCamera(_Simulated, Camera):
    """A frontal face photo, 240 x 320 (ISO/IEC 19794-5 token image), colour."""

    WIDTH, HEIGHT = 240, 320

    def capture(self, subject: str, position: str = "frontal", **options) -> Capture:
        condition = self._check_condition(options.get("condition", "good"))
        noise = self._noise(options)
        image = self.draw(subject, noise)
        pixels = _condition(np.asarray(image, dtype=np.float32), condition, noise)
        pixels = pixels + noise.normal(0.0, 3.0, pixels.shape)
        image = _finish(_to_image(pixels, "RGB"), condition)
        if condition == "low_resolution":
            image = image.resize((self.WIDTH // 2, self.HEIGHT // 2), Image.Resampling.BILINEAR)
        template, score = _template(subject, "face", "frontal", noise, condition != "good")
        return Capture(
            modality=self.modality,
            position="frontal",
            image=_encode_jp2(image, FACE_JP2_RATIO),
            image_format="jp2",
            width=image.width,
            height=image.height,
            dpi=300,
            quality={**quality.measure(np.asarray(image)), "template_quality": score},
            template=template,
            captured_at=dt.datetime.now(dt.UTC),
            device=self.describe(),
            preview=_preview(image, 240),
        )

    def draw(self, subject: str, noise: np.random.Generator) -> Image.Image:
        ident = identity_rng(subject, "face")
        w, h = self.WIDTH, self.HEIGHT
        # e-KTP photos have a red or blue background.
        background = (200, 30, 40) if ident.random() < 0.5 else (30, 70, 170)
        image = Image.new("RGB", (w, h), background)
        draw = ImageDraw.Draw(image)
        skin = tuple(int(v) for v in ident.uniform([150, 100, 70], [225, 175, 140]))
        hair = tuple(int(v) for v in ident.uniform([10, 5, 5], [70, 50, 40]))
        ox, oy = noise.normal(0, 3, 2)  # the person never sits exactly where they sat last time
        cx, cy = w / 2 + ox, h * 0.42 + oy
        fw, fh = ident.uniform(62, 78), ident.uniform(82, 98)
        draw.ellipse([cx - 110, cy + fh * 0.75, cx + 110, cy + fh * 2.4], fill=tuple(int(v) for v in ident.uniform(20, 120, 3)))  # shoulders
        draw.rectangle([cx - fw * 0.35, cy + fh * 0.6, cx + fw * 0.35, cy + fh * 1.05], fill=skin)  # neck
        draw.ellipse([cx - fw - 6, cy - fh - 14, cx + fw + 6, cy + fh * 0.3], fill=hair)
        draw.ellipse([cx - fw, cy - fh, cx + fw, cy + fh], fill=skin)
        draw.chord([cx - fw - 4, cy - fh - 12, cx + fw + 4, cy - fh * 0.1], 180, 360, fill=hair)
        eye_y, eye_dx = cy - fh * ident.uniform(0.08, 0.18), fw * ident.uniform(0.36, 0.46)
        for side in (-1, 1):
            ex = cx + side * eye_dx
            draw.ellipse([ex - 11, eye_y - 5, ex + 11, eye_y + 5], fill=(240, 240, 235))
            draw.ellipse([ex - 5, eye_y - 5, ex + 5, eye_y + 5], fill=(45, 30, 20))
            draw.line([ex - 14, eye_y - 14, ex + 14, eye_y - 16 + side * 2], fill=hair, width=4)
        nose_len = fh * ident.uniform(0.25, 0.38)
        draw.line([cx, eye_y + 6, cx - 5, eye_y + nose_len, cx + 4, eye_y + nose_len + 3], fill=tuple(max(0, c - 50) for c in skin), width=2)
        mouth_y, mouth_w = cy + fh * ident.uniform(0.42, 0.55), fw * ident.uniform(0.32, 0.48)
        draw.arc([cx - mouth_w, mouth_y - 10, cx + mouth_w, mouth_y + 8], 20, 160, fill=(150, 60, 60), width=3)
        for ex in (cx - fw, cx + fw):
            draw.ellipse([ex - 8, cy - 14, ex + 8, cy + 18], fill=skin)  # ears
        return image.filter(ImageFilter.GaussianBlur(0.7))


class SimulatedIrisScanner(_Simulated, IrisScanner):
    """A near-infrared iris camera: 320 x 240 grey images (ISO/IEC 19794-6 cropped)."""

    WIDTH, HEIGHT = 320, 240

    def capture(self, subject: str, position: str, **options) -> Capture:
        condition = self._check_condition(options.get("condition", "good"))
        noise = self._noise(options)
        pixels = _condition(self.texture(subject, position, noise), condition, noise)
        image = _finish(_to_image(pixels, "L"), condition)
        if condition == "low_resolution":
            image = image.resize((self.WIDTH // 2, self.HEIGHT // 2), Image.Resampling.BILINEAR)
        template, score = _template(subject, "iris", position, noise, condition != "good")
        return Capture(
            modality=self.modality,
            position=position,
            image=_encode_jp2(image, IRIS_JP2_RATIO),
            image_format="jp2",
            width=image.width,
            height=image.height,
            dpi=0,
            quality={**quality.measure(np.asarray(image)), "template_quality": score},
            template=template,
            captured_at=dt.datetime.now(dt.UTC),
            device=self.describe(),
            preview=_preview(image, 240),
        )

    def texture(self, subject: str, position: str, noise: np.random.Generator) -> np.ndarray:
        ident = identity_rng(subject, "iris", position)
        h, w = self.HEIGHT, self.WIDTH
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy = w / 2 + noise.normal(0, 4), h / 2 + noise.normal(0, 3)
        X, Y = xx - cx, yy - cy
        r = np.sqrt(X**2 + Y**2)
        theta = np.arctan2(Y, X)
        iris_r = ident.uniform(92, 104)
        pupil_r = ident.uniform(26, 36) * noise.uniform(0.92, 1.1)  # the pupil reacts to light
        # Crypts and furrows: radial and angular waves, fixed for the eye.
        t = np.zeros_like(r)
        for _ in range(14):
            n, b, ph, amp = int(ident.integers(3, 40)), ident.uniform(0.02, 0.2), ident.uniform(0, 2 * np.pi), ident.uniform(0.3, 1.0)
            t += amp * np.sin(n * theta + b * r + ph)
        t /= 4.0
        pixels = np.full((h, w), 185.0, dtype=np.float32)  # sclera and skin under NIR
        annulus = (r >= pupil_r) & (r < iris_r)
        pixels[annulus] = (95.0 + 28.0 * t + 0.15 * (r - pupil_r))[annulus]
        pixels[r < pupil_r] = 18.0
        ring = np.abs(r - iris_r) < 2.5
        pixels[ring] = 70.0
        # Eyelids cover the top and bottom of the iris.
        upper = cy - iris_r * ident.uniform(0.7, 0.85) + 0.0025 * X**2
        lower = cy + iris_r * ident.uniform(0.8, 0.95) - 0.002 * X**2
        lid = (yy < upper) | (yy > lower)
        pixels[lid] = 150.0 + 10.0 * np.sin(xx[lid] / 9.0)
        # Specular reflection of the illuminator in the pupil.
        pixels[(X + 8) ** 2 + (Y + 6) ** 2 < 25] = 250.0
        return pixels + noise.normal(0.0, 5.0, pixels.shape)


class SimulatedSignaturePad(_Simulated, SignaturePad):
    """A signature pad: 400 x 150 bilevel strokes, stored as PNG."""

    WIDTH, HEIGHT = 400, 150

    def capture(self, subject: str, position: str = "-", **options) -> Capture:
        condition = self._check_condition(options.get("condition", "good"))
        noise = self._noise(options)
        image = self.strokes(subject, noise)
        if condition == "low_resolution":
            image = image.resize((self.WIDTH // 2, self.HEIGHT // 2))
        if condition == "dark":
            image = Image.fromarray((np.asarray(image.convert("L"), dtype=np.float32) * 0.3).astype(np.uint8), "L")
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        return Capture(
            modality=self.modality,
            position="-",
            image=buffer.getvalue(),
            image_format="png",
            width=image.width,
            height=image.height,
            dpi=0,
            quality={**quality.measure(np.asarray(image.convert("L"), dtype=np.float32)), "template_quality": 0},
            template=np.zeros(0),
            captured_at=dt.datetime.now(dt.UTC),
            device=self.describe(),
            preview=_preview(image, 400),
        )

    def strokes(self, subject: str, noise: np.random.Generator) -> Image.Image:
        ident = identity_rng(subject, "signature")
        w, h = self.WIDTH, self.HEIGHT
        image = Image.new("L", (w, h), 255)
        draw = ImageDraw.Draw(image)
        t = np.linspace(0.0, 1.0, 400)
        loops = ident.uniform(5, 11)
        scale = noise.uniform(0.95, 1.05)  # nobody signs twice alike
        x = 30 + t * (w - 80) * scale + ident.uniform(10, 22) * np.sin(2 * np.pi * loops * t)
        y = h / 2 + ident.uniform(18, 32) * np.cos(2 * np.pi * loops * t + ident.uniform(0, 1))
        for _ in range(3):
            y += ident.uniform(4, 12) * np.sin(2 * np.pi * ident.uniform(0.5, 3) * t + ident.uniform(0, 6))
        x += noise.normal(0, 0.8, t.shape)
        y += noise.normal(0, 0.8, t.shape)
        draw.line(list(zip(x.tolist(), y.tolist(), strict=True)), fill=0, width=3, joint="curve")
        flourish = h / 2 + ident.uniform(20, 40)
        draw.line([(40, flourish), (w - 40 + noise.normal(0, 3), flourish - ident.uniform(-10, 10))], fill=0, width=2)
        return image.convert("1")
