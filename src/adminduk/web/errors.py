"""Error pages (400, 403, 404, 500 and a refused CSRF token) in the operator layout and the
user's language, each saying what to do next. Installed as Django's handler400..500 in
adminduk.urls and as CSRF_FAILURE_VIEW; with DEBUG off (also in the demo) a browser never sees
Django's debug pages.

The API (/api/) answers with JSON instead, like the rest of the API. A 500 page is rendered
without the request's context processors (the menu queries the database, which may be what
failed) and falls back to plain text if even that fails."""

import logging

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _page(request, status: int, template: str, context: dict | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": _message(status)}, status=status)
    response = TemplateResponse(request, template, context or {}, status=status)
    return response.render()


def _message(status: int) -> str:
    return {
        400: _("Bad request."),
        403: _("You may not do this."),
        404: _("Not found."),
        500: _("Server error."),
    }[status]


def bad_request(request, exception=None):
    return _page(request, 400, "errors/400.html")


def permission_denied(request, exception=None):
    # The exception's text is an internal reason (role and permission codes, in English): it is
    # in the audit log already and is not shown.
    return _page(request, 403, "errors/403.html")


def page_not_found(request, exception=None):
    return _page(request, 404, "errors/404.html")


def csrf_failure(request, reason=""):
    if _is_api(request):
        return JsonResponse({"detail": _message(403)}, status=403)
    return _page(request, 403, "errors/csrf.html")


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": _message(500)}, status=500)
    context = {"now": timezone.localtime(), "LANGUAGE_CODE": getattr(request, "LANGUAGE_CODE", "id")}
    try:
        body = loader.get_template("errors/500.html").render(context)
    except Exception:  # the page that reports an error must not raise one itself
        logger.exception("rendering the 500 page failed")
        body = _("Server error. Go back and try again; if it happens again, tell your Dinas admin.")
        return HttpResponse(body, status=500, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, status=500)
