"""Which supporting documents each application kind needs (DOMAIN.md) and how long the office
may take to decide (the service standard; the Dinas overrides it per kind in ServiceStandard)."""

import datetime as dt

from adminduk.population import rules as population_rules

from .choices import Kind
from .choices import Requirement as R

DOCUMENTS: dict[str, tuple[str, ...]] = {
    Kind.AKTA_KELAHIRAN: (R.BIRTH_LETTER, R.FAMILY_CARD, R.PARENTS_KTP, R.MARRIAGE),
    Kind.AKTA_KEMATIAN: (R.DEATH_LETTER, R.FAMILY_CARD, R.DECEASED_KTP, R.REPORTER_KTP),
    Kind.KIA: (R.FAMILY_CARD, R.AKTA_KELAHIRAN),
    Kind.KK_NEWBORN: (R.FAMILY_CARD, R.AKTA_KELAHIRAN, R.APPLICATION_FORM),
    Kind.KK_REMOVE_DECEASED: (R.FAMILY_CARD, R.AKTA_KEMATIAN),
    Kind.KK_MOVE_IN: (R.FAMILY_CARD, R.MOVING_LETTER, R.APPLICATION_FORM),
    Kind.KK_MOVE_OUT: (R.FAMILY_CARD, R.APPLICATION_FORM),
    Kind.KK_SPLIT: (R.FAMILY_CARD, R.APPLICATION_FORM),
    Kind.KK_CORRECT: (R.FAMILY_CARD, R.EVIDENCE),
}

# Documents that must be a photo (an image), not a PDF.
IMAGE_ONLY = frozenset({R.CHILD_PHOTO})

# Hours to decide a complete application. Permendagri 19/2018 asks for same-day service for
# most documents at the counter; moves and splits need the other office's data.
DEFAULT_HOURS = {
    Kind.AKTA_KELAHIRAN: 24,
    Kind.AKTA_KEMATIAN: 24,
    Kind.KIA: 24,
    Kind.KK_NEWBORN: 24,
    Kind.KK_REMOVE_DECEASED: 24,
    Kind.KK_MOVE_IN: 72,
    Kind.KK_MOVE_OUT: 72,
    Kind.KK_SPLIT: 72,
    Kind.KK_CORRECT: 48,
}


def required_documents(kind: str, *, child_birth_date: dt.date | None = None, on: dt.date | None = None) -> list[str]:
    """The documents an application needs; a KIA for a child of 5 to 17 also needs a photo."""
    needed = list(DOCUMENTS[kind])
    if kind == Kind.KIA and child_birth_date is not None and on is not None:
        if population_rules.age_on(child_birth_date, on) >= population_rules.KIA_PHOTO_AGE:
            needed.append(R.CHILD_PHOTO)
    return needed


def service_hours(kind: str) -> int:
    from .models import ServiceStandard

    configured = ServiceStandard.objects.filter(kind=kind).values_list("hours", flat=True).first()
    return configured if configured is not None else DEFAULT_HOURS[kind]
