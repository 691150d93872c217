"""The synthetic biometric model used by the tests, the threshold calibration and the benchmark.

Each synthetic person has, per capture slot, a latent unit vector drawn from a seeded generator
(so "the same person" is the same seed, whatever NIK or office they give). A capture is the
latent plus Gaussian noise of relative size `NOISE[modality]` (times a per-capture quality
factor), normalised: two captures of one person score about 1 / (1 + noise²), two persons about
0 ± 1/sqrt(DIM). The device simulator follows the same shape; the numbers here are what the
calibrated threshold (biometrics.calibration) was computed from.
"""

import hashlib

import numpy as np

from . import templates
from .fusion import MODALITIES, WEIGHTS, PersonTemplates

NOISE = {"face": 0.7, "finger": 0.6, "iris": 0.45}
QUALITY_RANGE = (0.8, 1.3)  # per-capture multiplier of the noise (poor to good conditions)
FINGER_SLOTS = tuple(f"finger_{hand}{n}" for hand in "RL" for n in range(1, 6))
TEMPLATE_SLOTS = ("face", *FINGER_SLOTS, "iris_R", "iris_L")


def _slot_modality(slot: str) -> str:
    return slot.split("_", 1)[0]


def _person_rng(identity: str, slot: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{identity}:{slot}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def latent(identity: str, slot: str) -> np.ndarray:
    """The person's true feature for one slot (the same for every capture of them)."""
    return templates.normalise(_person_rng(identity, slot).standard_normal(templates.DIM))


def capture(identity: str, slot: str, rng: np.random.Generator) -> np.ndarray:
    """One capture of `identity` at `slot`: latent plus capture noise, unit length."""
    noise = NOISE[_slot_modality(slot)] * rng.uniform(*QUALITY_RANGE)
    v = latent(identity, slot) + noise * rng.standard_normal(templates.DIM) / np.sqrt(templates.DIM)
    return templates.normalise(v)


def capture_all(identity: str, rng: np.random.Generator, *, skip: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """Every template slot of one recording, minus the `skip`ped (excepted) slots."""
    return {slot: capture(identity, slot, rng) for slot in TEMPLATE_SLOTS if slot not in skip}


# --- Vectorised form for large galleries (benchmark, calibration) ------------------------------
# A modality block is the normalised sum of that modality's templates; the sum of independent
# Gaussian latents is itself an isotropic Gaussian and the noise adds the same way, so a block can
# be drawn directly with the same genuine/impostor score distribution as summing the slots.


def _unit_rows(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def latent_blocks(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    return {m: _unit_rows(rng.standard_normal((n, templates.DIM), dtype=np.float32)) for m in MODALITIES}


def capture_blocks(latents: dict[str, np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Fused vectors (see fusion.fused_vector) of one capture of each person in `latents`."""
    n = next(iter(latents.values())).shape[0]
    out = np.empty((n, templates.DIM * len(MODALITIES)), dtype=np.float32)
    for i, modality in enumerate(MODALITIES):
        quality = rng.uniform(*QUALITY_RANGE, size=(n, 1)).astype(np.float32)
        noise = rng.standard_normal((n, templates.DIM), dtype=np.float32) * (NOISE[modality] * quality / np.sqrt(templates.DIM))
        block = _unit_rows(latents[modality] + noise)
        out[:, i * templates.DIM : (i + 1) * templates.DIM] = np.sqrt(WEIGHTS[modality]) * block
    return out


def person(identity: str, rng: np.random.Generator, *, skip: tuple[str, ...] = ()) -> PersonTemplates:
    from .fusion import person_templates

    return person_templates(capture_all(identity, rng, skip=skip))
