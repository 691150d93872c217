"""Client errors raised while Django reads a request body, answered as JSON 4xx by every API
operation.

django-ninja hands any exception it has no handler for to Django, or (DEBUG, i.e. the demo)
answers 500 with a traceback. Reading the body can fail before a handler runs: the CSRF check
of a session-authenticated write reads `request.POST`, which raises on a multipart body without
a boundary, and a JSON body read after a multipart parse raises RawPostDataException. These are
the client's fault, so the API says so, in JSON, with nothing stored.
"""

from functools import partial

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

MALFORMED = _("The request was refused as malformed.")

# exception class → (status, code, message); ninja picks the most specific class by MRO.
CLIENT_ERRORS = {
    MultiPartParserError: (
        400, "bad_body", _("The request body is not a readable multipart form; the API takes JSON (Content-Type: application/json)."),
    ),
    RawPostDataException: (415, "unsupported_media_type", _("This endpoint takes a JSON body (Content-Type: application/json).")),
    UnreadablePostError: (400, "incomplete_body", _("The request body was cut off before it was complete; send it again.")),
    RequestDataTooBig: (413, "body_too_large", _("The request body is larger than the server accepts.")),
    SuspiciousOperation: (400, "bad_request", MALFORMED),
    BadRequest: (400, "bad_request", MALFORMED),
}


def _answer(request: HttpRequest, exc: Exception, *, api: NinjaAPI, status: int, code: str, message) -> object:
    return api.create_response(request, {"detail": str(message), "code": code}, status=status)


def install(api: NinjaAPI) -> None:
    for exc_class, (status, code, message) in CLIENT_ERRORS.items():
        api.add_exception_handler(exc_class, partial(_answer, api=api, status=status, code=code, message=message))
