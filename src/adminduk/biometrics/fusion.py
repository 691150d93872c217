"""From one recording's captures to the person-level vector the 1:N matcher indexes.

A recording has up to 13 templates (face, ten fingers, two irises; signatures have none). The
matcher keeps one vector per person: three blocks of biometrics.templates.DIM values, one per
modality, each the normalised sum of that modality's templates (a finger that could not be
captured is simply left out of the sum), scaled by the square root of the modality's weight.
The inner product of two such vectors is then the weighted sum of per-modality similarities,
which is what an index ranks by; `fused_score` re-scores a candidate over the modalities both
sides actually have, so a missing iris lowers no one's score.
"""

from dataclasses import dataclass

import numpy as np

from . import templates

MODALITIES = ("face", "finger", "iris")
# Fingers carry most identity, irises next, a face photo least (it changes with age and
# lighting). The weights add up to 1 so a full match scores like a single similarity.
WEIGHTS = {"face": 0.2, "finger": 0.45, "iris": 0.35}
FUSED_DIM = templates.DIM * len(MODALITIES)


@dataclass(frozen=True)
class PersonTemplates:
    """The three modality blocks of one person (unit vectors, or None when none was captured)."""

    face: np.ndarray | None = None
    finger: np.ndarray | None = None
    iris: np.ndarray | None = None

    def block(self, modality: str) -> np.ndarray | None:
        return getattr(self, modality)

    @property
    def modalities(self) -> tuple[str, ...]:
        return tuple(m for m in MODALITIES if self.block(m) is not None)

    def vector(self) -> np.ndarray:
        return fused_vector(self)

    def encoded(self) -> dict[str, bytes | None]:
        return {m: (templates.encode(self.block(m)) if self.block(m) is not None else None) for m in MODALITIES}

    @classmethod
    def from_encoded(cls, blocks: dict[str, bytes | None]) -> "PersonTemplates":
        return cls(**{m: (templates.decode(bytes(blocks[m])) if blocks.get(m) else None) for m in MODALITIES})


def modality_of(slot_name: str) -> str | None:
    """'face' -> face, 'finger_R1' -> finger, 'iris_L' -> iris; anything else has no template."""
    head = slot_name.split("_", 1)[0]
    return head if head in MODALITIES else None


def person_templates(captures: dict[str, np.ndarray]) -> PersonTemplates:
    """Build the person's blocks from {slot name: template vector} (exceptions left out)."""
    sums: dict[str, np.ndarray] = {}
    for slot, vector in captures.items():
        modality = modality_of(slot)
        if modality is None:
            continue
        v = templates.normalise(vector)
        sums[modality] = sums[modality] + v if modality in sums else v
    return PersonTemplates(**{m: templates.normalise(s) for m, s in sums.items()})


def fused_vector(person: PersonTemplates) -> np.ndarray:
    out = np.zeros(FUSED_DIM, dtype=np.float32)
    for i, modality in enumerate(MODALITIES):
        block = person.block(modality)
        if block is not None:
            out[i * templates.DIM : (i + 1) * templates.DIM] = np.sqrt(WEIGHTS[modality]) * block
    return out


def fused_scores(probe: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores of one fused probe vector against rows of fused candidate vectors.

    Returns (fused score, per-modality similarity matrix [n, 3], NaN where a side lacks it)."""
    d = templates.DIM
    candidates = np.atleast_2d(candidates)
    per = np.full((candidates.shape[0], len(MODALITIES)), np.nan, dtype=np.float32)
    total = np.zeros(candidates.shape[0], dtype=np.float32)
    weight = np.zeros(candidates.shape[0], dtype=np.float32)
    for i, modality in enumerate(MODALITIES):
        p = probe[i * d : (i + 1) * d]
        c = candidates[:, i * d : (i + 1) * d]
        if not np.any(p):
            continue
        present = np.any(c != 0, axis=1)
        w = WEIGHTS[modality]
        sims = (c @ p) / w  # both blocks were scaled by sqrt(w)
        per[present, i] = sims[present]
        total[present] += w * sims[present]
        weight[present] += w
    fused = np.divide(total, weight, out=np.zeros_like(total), where=weight > 0)
    return fused, per


def fused_score(a: PersonTemplates, b: PersonTemplates) -> float:
    return float(fused_scores(fused_vector(a), fused_vector(b)[None, :])[0][0])
