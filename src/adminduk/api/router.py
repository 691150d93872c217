"""The JSON API, assembled from each app's router. Every operation declares its permission."""

from functools import wraps

from django.conf import settings
from django.http import Http404
from ninja import NinjaAPI

from adminduk.accounts.api_auth import require
from adminduk.appointments.api import router as appointments_router
from adminduk.population.api import router as population_router
from adminduk.sync.api import router as sync_router

from . import errors


def docs_only_when_enabled(view):
    """/api/docs and /api/openapi.json answer 404 unless ADMINDUK_API_DOCS (off in production):
    the schema is a map of the API for an attacker, and the docs page loads a script bundle."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.ADMINDUK_API_DOCS:
            raise Http404("API documentation is not enabled (ADMINDUK_API_DOCS=1)")
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="adminduk API",
    version="1",
    description="Population administration for kecamatan-level e-KTP service.",
    auth=require(None),  # deny unless an operation names its permission
    urls_namespace="api",
    docs_decorator=docs_only_when_enabled,
)
errors.install(api)
api.add_router("/", population_router)
api.add_router("/sync", sync_router)
api.add_router("/appointments", appointments_router)
