"""The Dinas' data-protection policy (privacy.models.PrivacyPolicy), read where it is used.

Operator pages consult it on every record they open, so each process keeps it for CACHE_SECONDS
(a change made in the admin reaches every process within that time, at once in the process
that saved it) instead of adding a query to every page."""

import time

from .models import PrivacyPolicy

CACHE_SECONDS = 30
_cached: tuple[float, PrivacyPolicy] | None = None


def reset() -> None:
    global _cached
    _cached = None


def reset_on_save(sender=None, **kwargs) -> None:
    reset()


def current() -> PrivacyPolicy:
    """The stored policy, or the defaults (names hidden, no role must state a purpose to search,
    72 hours for a correction as UU PDP art. 30 asks, 14 days for an objection)."""
    global _cached
    now = time.monotonic()
    if _cached is not None and now - _cached[0] < CACHE_SECONDS:
        return _cached[1]
    found = PrivacyPolicy.objects.filter(pk=1).first() or PrivacyPolicy()
    _cached = (now, found)
    return found


def purpose_required(user) -> bool:
    return getattr(user, "role", "") in set(current().purpose_required_roles or [])
