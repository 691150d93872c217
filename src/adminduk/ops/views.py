"""`/healthz` for load balancers and monitors, `/metrics` for Prometheus."""

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

from adminduk.accounts.access import public_view

from . import health
from .metrics import AdmindukCollector


@public_view
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the task queue and the disk are fine, else 503; no personal data."""
    checks = health.run_checks()
    ok = all(c.ok for c in checks)
    body = {"status": "ok" if ok else "failing", "role": settings.ROLE, "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks}}
    return JsonResponse(body, status=200 if ok else 503)


def _may_scrape(request: HttpRequest) -> bool:
    """With ADMINDUK_METRICS_TOKEN set, a scraper sends it as a bearer token; without it, only
    this machine (Prometheus or nginx on localhost) may read the metrics."""
    token = getattr(settings, "ADMINDUK_METRICS_TOKEN", "") or os.environ.get("ADMINDUK_METRICS_TOKEN", "")
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    if request.headers.get("X-Forwarded-For"):
        return False  # came through the proxy from elsewhere
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def _process_registry():
    """Request counters of every gunicorn worker (prometheus_client's multiprocess mode), or this
    process's own registry when it runs alone (tests, a single process)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


@public_view
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _may_scrape(request):
        return HttpResponse("metrics are readable from this machine or with ADMINDUK_METRICS_TOKEN\n", status=403, content_type="text/plain")
    own = CollectorRegistry(auto_describe=False)
    own.register(AdmindukCollector())
    body = generate_latest(_process_registry()) + generate_latest(own)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
