"""Staff sessions end after SESSION_COOKIE_AGE seconds without a request. Saving the session on
every request (Django's SESSION_SAVE_EVERY_REQUEST) restarts that clock exactly, but costs a
database write and a commit on every page and API call; this middleware restarts it at most
once every RENEW_SECONDS instead, so a session ends between SESSION_COOKIE_AGE - RENEW_SECONDS
and SESSION_COOKIE_AGE seconds after the last request."""

import time

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from adminduk.core.compiled import CompiledQuery

RENEW_SECONDS = 60
RENEWED_KEY = "_adminduk_renewed"


class SlidingSessionMiddleware:
    """Placed right after SessionMiddleware, so its response step runs before the session is saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and not session.modified:
            now = int(time.time())
            if now - int(session.get(RENEWED_KEY, 0)) >= RENEW_SECONDS:
                session[RENEWED_KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return response


_SESSION = CompiledQuery(
    Session,
    lambda key, now: Session.objects.filter(session_key=key).filter(expire_date__gt=now)[:1],
    [Session._meta.get_field("session_key"), Session._meta.get_field("expire_date")],
    ["str", "datetime"],
)


class SessionStore(DatabaseSessionStore):
    """Django's database sessions (SESSION_ENGINE = "adminduk.accounts.sessions"), with the
    lookup of every request compiled once (core.compiled)."""

    def _get_session_from_db(self):
        session = _SESSION.first(self.session_key, timezone.now())
        if session is None:
            self._session_key = None
        return session
