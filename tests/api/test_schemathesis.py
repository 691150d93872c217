"""The OpenAPI schema, fuzzed in-process (WSGI) as a logged-in operator: no input gives a 5xx.

Schemathesis generates valid and invalid requests (wrong types, missing fields, strange media
types) for every operation of /api/openapi.json; each answer must be below 500. Bounded so the
suite stays fast: a fixed number of examples per operation, no shrinking, no example database.
"""

import pytest
import schemathesis
from django.middleware.csrf import _get_new_csrf_string
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from tests.conftest import login_verified

pytestmark = [pytest.mark.django_db]

MAX_EXAMPLES = 60


@schemathesis.serializer("application/pdf")
def pdf_body(ctx, value):
    """A document PDF upload (documents' verify-pdf): whatever was generated, sent as raw bytes."""
    return value if isinstance(value, bytes) else str(value).encode()


@pytest.fixture
def operator_credentials(client, make_staff, sample_family):
    """Cookies and headers of a verified kecamatan operator with a CSRF token, so writes get past
    CSRF and reach the handlers."""
    from django.conf import settings as django_settings

    user = make_staff("kecamatan_operator", offices=("72.71.08",), certified=("recording",), username="op.fuzz")
    login_verified(client, user)
    token = _get_new_csrf_string()
    cookies = {
        django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        django_settings.CSRF_COOKIE_NAME: token,
    }
    return cookies, {"X-CSRFToken": token, "Accept-Language": "en"}


@pytest.fixture
def api_schema(operator_credentials):
    # Django's own WSGI handler (every middleware, CSRF enforced); as in Django's test client, the
    # test's database connection stays open between requests (it holds the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES, no_shrink=True, database="none"
    )
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_for_any_generated_request(case, operator_credentials):
    cookies, headers = operator_credentials
    response = case.call(cookies=cookies, headers=headers)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} answered {response.status_code}\n"
        f"{case.as_curl_command()}\n{response.text[:2000]}"
    )
