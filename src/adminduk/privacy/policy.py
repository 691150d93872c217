"""The Dinas' data-protection policy (privacy.models.PrivacyPolicy), read where it is used."""

from .models import PrivacyPolicy

DEFAULT = PrivacyPolicy()


def current() -> PrivacyPolicy:
    """The stored policy, or the defaults (names hidden, no role must state a purpose to search,
    72 hours for a correction as UU PDP art. 30 asks, 14 days for an objection)."""
    return PrivacyPolicy.objects.filter(pk=1).first() or DEFAULT


def purpose_required(user) -> bool:
    return getattr(user, "role", "") in set(current().purpose_required_roles or [])
