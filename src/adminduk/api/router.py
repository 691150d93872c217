"""The JSON API, assembled from each app's router. Every operation declares its permission."""

from ninja import NinjaAPI

from adminduk.accounts.api_auth import require
from adminduk.population.api import router as population_router
from adminduk.sync.api import router as sync_router

from . import errors

api = NinjaAPI(
    title="adminduk API",
    version="1",
    description="Population administration for kecamatan-level e-KTP service.",
    auth=require(None),  # deny unless an operation names its permission
    urls_namespace="api",
)
errors.install(api)
api.add_router("/", population_router)
api.add_router("/sync", sync_router)
