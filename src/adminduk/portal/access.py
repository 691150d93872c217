"""Who may open a portal page. Portal pages never act as a staff user, even when the same browser
holds a staff login: request.user is the resident's account (signed in) or anonymous."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from adminduk.accounts.access import ACCESS_ATTRIBUTE

from . import sessions


def _central_only():
    """Residents reach the portal at the Dinas central over the internet; an office's node
    (a LAN server, often offline) serves no portal."""
    if settings.ROLE == "node":
        raise Http404(_("The resident portal is served by the Dinas, not by an office's node."))


def portal_public_view(view):
    """Open to anyone (sign-in pages); any staff identity is dropped for the request."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        _central_only()
        request.user = AnonymousUser()
        request.portal_session = sessions.current(request)
        response = view(request, *args, **kwargs)
        patch_cache_control(response, no_store=True, private=True)
        return response

    setattr(wrapped, ACCESS_ATTRIBUTE, "public")
    return wrapped


def resident_view(view):
    """A signed-in resident only; others go to the sign-in page. The view sees
    request.resident (their own Resident) and request.user (their resident account)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        _central_only()
        session = sessions.current(request)
        if session is None:
            response = redirect("portal:signin")
            sessions.forget(response)
            return response
        request.portal_session = session
        request.resident = session.resident
        request.user = session.account
        response = view(request, *args, **kwargs)
        patch_cache_control(response, no_store=True, private=True)
        return response

    setattr(wrapped, ACCESS_ATTRIBUTE, "resident")
    return wrapped
