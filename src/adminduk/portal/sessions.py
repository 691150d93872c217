"""Portal sessions: their own cookie, never Django's staff session. The browser holds a random
token; the database holds its SHA-256, so a copy of the database opens no session."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.utils import timezone

from adminduk.accounts.throttle import client_address

from . import conf
from .models import PortalSession

COOKIE_PATH = "/portal/"


def cookie_name() -> str:
    return f"adminduk_{settings.ROLE}_portal"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(request, response, resident, account) -> PortalSession:
    token = secrets.token_urlsafe(32)
    session = PortalSession.objects.create(
        token_hash=_hash(token),
        resident=resident,
        account=account,
        ip_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
    )
    response.set_cookie(
        cookie_name(),
        token,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return session


def current(request) -> PortalSession | None:
    """The live session of this request's cookie, renewed; None when absent, ended or expired."""
    token = request.COOKIES.get(cookie_name(), "")
    if not token or len(token) > 100:
        return None
    session = PortalSession.objects.select_related("resident", "account").filter(token_hash=_hash(token), ended_at__isnull=True).first()
    if session is None:
        return None
    now = timezone.now()
    idle = dt.timedelta(seconds=conf.get("ADMINDUK_PORTAL_IDLE_SECONDS"))
    age = dt.timedelta(hours=conf.get("ADMINDUK_PORTAL_SESSION_HOURS"))
    if now - session.last_seen_at > idle or now - session.created_at > age or not session.account.is_active:
        PortalSession.objects.filter(pk=session.pk).update(ended_at=now)
        return None
    PortalSession.objects.filter(pk=session.pk).update(last_seen_at=now)
    return session


def end(session: PortalSession, response) -> None:
    PortalSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(ended_at=timezone.now())
    forget(response)


def forget(response) -> None:
    response.delete_cookie(cookie_name(), path=COOKIE_PATH, samesite="Lax")
