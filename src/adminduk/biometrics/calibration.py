"""Choosing the decision threshold of the built-in matcher from the synthetic model.

`calibrate()` draws genuine pairs (two captures of one person) and impostor pairs (two persons)
from biometrics.synthetic, fits a normal distribution to the impostor fused scores (their tail
at 1e-9 cannot be sampled, and a sum of many small independent products is close to normal),
and picks the lowest threshold at which a search of a gallery of `gallery_size` persons returns
an impostor above it with probability at most `target_fpir`. It reports the genuine miss rate
(FNMR) at that threshold, measured on the samples. Run `python -m adminduk.biometrics.calibration`
to print it; THRESHOLD in base.py is its result rounded up, and a test checks they agree.

With real devices, run the same procedure on scores from the vendor's extractor.
"""

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from . import synthetic


@dataclass(frozen=True)
class Calibration:
    threshold: float
    impostor_mean: float
    impostor_std: float
    genuine_mean: float
    genuine_min: float
    fnmr: float  # genuine pairs below the threshold
    gallery_size: int
    target_fpir: float


def sample_scores(pairs: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    latents = synthetic.latent_blocks(rng, pairs)
    first = synthetic.capture_blocks(latents, rng)
    second = synthetic.capture_blocks(latents, rng)
    others = synthetic.capture_blocks(synthetic.latent_blocks(rng, pairs), rng)
    # Every block is present here, so the fused score is the plain inner product (fusion.py).
    return np.einsum("ij,ij->i", first, second), np.einsum("ij,ij->i", first, others)


def calibrate(*, pairs: int = 20_000, gallery_size: int = 1_000_000, target_fpir: float = 1e-3, seed: int = 7) -> Calibration:
    genuine, impostor = sample_scores(pairs, seed)
    mean, std = float(impostor.mean()), float(impostor.std())
    # FPIR ≈ N · P(impostor > t) for a small per-comparison rate.
    per_comparison = -math.expm1(math.log1p(-target_fpir) / gallery_size)
    threshold = NormalDist(mean, std).inv_cdf(1 - per_comparison)
    return Calibration(
        threshold=threshold,
        impostor_mean=mean,
        impostor_std=std,
        genuine_mean=float(genuine.mean()),
        genuine_min=float(genuine.min()),
        fnmr=float((genuine < threshold).mean()),
        gallery_size=gallery_size,
        target_fpir=target_fpir,
    )


if __name__ == "__main__":
    print(calibrate())
