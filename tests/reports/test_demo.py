"""The demo's dashboard figures: recordings over the last two weeks, some printed, some picked
up, no print job made; a second run adds nothing."""

import pytest
from django.utils import timezone

from adminduk.enrollment.models import KtpRequest
from adminduk.offices.demo import create_demo_offices
from adminduk.printing.models import PrintJob
from adminduk.reports import summary
from adminduk.reports.demo import seed_reports
from adminduk.reports.filters import parse
from adminduk.reports.queries import forecast_table, remaining_by_kecamatan
from adminduk.accounts.scoping import Scope

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_meaningful_figures_once(population):
    create_demo_offices("72.71")
    added = seed_reports("72.71")
    assert added > 50
    assert seed_reports("72.71") == 0
    assert not PrintJob.objects.exists()
    statuses = set(KtpRequest.objects.values_list("status", flat=True))
    assert {"picked_up", "at_office", "printed"} <= statuses
    assert summary.stored_cells() == summary.fresh_computation(timezone.localdate())
    rows = remaining_by_kecamatan()
    assert sum(r["recorded"] for r in rows) > 0 and sum(r["picked_up"] for r in rows) > 0
    f = parse({}, Scope(regency_codes=frozenset({"72.71"})))
    forecast = forecast_table(f)
    assert any(row[5] is not None for row in forecast.rows)  # a completion date at the recent rate
