"""The portal's limits, read when used (tests change them with the settings fixture)."""

from django.conf import settings

DEFAULTS = {
    # A code is valid this long, and only the newest code of a NIK counts.
    "ADMINDUK_PORTAL_CODE_MINUTES": 5,
    # Within this window: code requests per NIK and per client address, wrong codes per NIK
    # (then every open code of that NIK is void) and per address.
    "ADMINDUK_PORTAL_WINDOW_MINUTES": 15,
    "ADMINDUK_PORTAL_CODE_REQUESTS_PER_NIK": 3,
    "ADMINDUK_PORTAL_CODE_REQUESTS_PER_ADDRESS": 10,
    "ADMINDUK_PORTAL_WRONG_CODES_PER_NIK": 5,
    "ADMINDUK_PORTAL_WRONG_CODES_PER_ADDRESS": 20,
    # A portal session ends after this many idle seconds, and after SESSION_HOURS in any case.
    "ADMINDUK_PORTAL_IDLE_SECONDS": 900,
    "ADMINDUK_PORTAL_SESSION_HOURS": 8,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
