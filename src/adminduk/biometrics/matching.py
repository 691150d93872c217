"""Choosing the 1:N matcher: `get_matcher()` returns the one settings.ADMINDUK_MATCHER names.
The interface (Candidate, THRESHOLD, MatcherUnavailable) lives in base.py, below both
matchers, so neither imports this module."""

from .base import THRESHOLD, Candidate, Matcher, MatcherUnavailable

__all__ = ["THRESHOLD", "Candidate", "Matcher", "MatcherUnavailable", "get_matcher"]


def get_matcher() -> Matcher:
    from django.conf import settings

    if settings.ADMINDUK_MATCHER == "abis":
        from .abis import AbisMatcher

        return AbisMatcher.from_settings()
    from .gallery import faiss_matcher

    return faiss_matcher()
