"""Login throttling: failed logins (a wrong password or a wrong code, on any login page) count
per username and per client address, each with its own limit.

django-axes compares one failure count with one limit (AXES_FAILURE_LIMIT). A kecamatan office
puts all its operators behind one address, so the address needs a higher limit than a single
account: this handler scales the address's count onto the username's limit, so axes locks out
when either count reaches its own limit within the cool-off window:

    username:  failures for the username from any address   >= ADMINDUK_LOGIN_FAILURE_LIMIT
    address:   failures from the address for any username   >= ADMINDUK_LOGIN_IP_FAILURE_LIMIT

A successful login clears only that username's failures: an office colleague logging in does
not wipe out a guesser's count on the shared address.
"""

from django.conf import settings
from django.db.models import Sum

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt


def client_address(request) -> str | None:
    """The address a failed login is counted against. Behind the TLS proxy (production,
    ADMINDUK_BEHIND_PROXY) every request comes from the proxy, so the client is the last entry
    of X-Forwarded-For, the one the proxy appended itself (entries before it are the client's
    own claims and are ignored); otherwise REMOTE_ADDR."""
    if settings.ADMINDUK_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last[:45]
    return request.META.get("REMOTE_ADDR") or None


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):
    def _recent(self, request):
        attempts = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts

    def failure_counts(self, request, credentials=None) -> tuple[int, int]:
        """(failures of the username, failures from the client address) within the cool-off."""
        recent = self._recent(request)
        username = get_client_username(request, credentials)
        by_username = _failures(recent.filter(username=username)) if username else 0
        address = getattr(request, "axes_ip_address", None)
        by_address = _failures(recent.filter(ip_address=address)) if address else 0
        return by_username, by_address

    def get_failures(self, request, credentials=None) -> int:
        by_username, by_address = self.failure_counts(request, credentials)
        user_limit = settings.AXES_FAILURE_LIMIT
        # floor(a * U / I) >= U exactly when a >= I: the address reaches U at its own limit.
        return max(by_username, by_address * user_limit // settings.ADMINDUK_LOGIN_IP_FAILURE_LIMIT)

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
