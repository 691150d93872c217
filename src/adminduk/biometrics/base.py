"""The 1:N matcher interface every matcher implements: the built-in FAISS matcher (gallery.py)
and the external ABIS adapter (abis.py). The lowest layer of biometrics' matching: it imports
neither; matching.get_matcher() chooses between them."""

from dataclasses import dataclass, field
from typing import Protocol

from .fusion import PersonTemplates

# Calibrated with biometrics.calibration (gallery 1,000,000, target FPIR 0.1 %): the computed
# threshold is 0.319; rounded up. Genuine fused scores in the synthetic model are ≈ 0.74
# (lowest seen 0.61), so FNIR at this threshold is 0 there.
THRESHOLD = 0.33


@dataclass(frozen=True)
class Candidate:
    reference_id: str  # the KtpRequest id the templates were enrolled under
    score: float
    is_match: bool
    modality_scores: dict = field(default_factory=dict)


class MatcherUnavailable(RuntimeError):
    """The matcher cannot answer now (external ABIS down): the stage is retried later."""


class Matcher(Protocol):
    def insert(self, reference_id: str, templates: PersonTemplates, *, nik: str = "") -> None: ...

    def identify(self, templates: PersonTemplates, *, top_k: int = 10, exclude: str | None = None) -> list[Candidate]: ...

    def remove(self, reference_id: str) -> None: ...

    def enroll_and_identify(self, reference_id: str, templates: PersonTemplates, *, top_k: int = 10, nik: str = "") -> list[Candidate]:
        """Insert `templates` under `reference_id` (once) and search the rest of the gallery."""
        ...
