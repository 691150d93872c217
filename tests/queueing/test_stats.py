import datetime as dt

import pytest
from django.utils import timezone

from adminduk.queueing import actions, stats
from adminduk.queueing.choices import Service

pytestmark = pytest.mark.django_db


def test_percentile_is_nearest_rank():
    assert stats.percentile([], 0.9) is None
    assert stats.percentile([5], 0.9) == 5
    assert stats.percentile(list(range(1, 11)), 0.9) == 9
    assert stats.percentile(list(range(1, 101)), 0.9) == 90


def test_daily_figures_per_service_and_counter(office, counters):
    t0 = timezone.now().replace(hour=1, minute=0, second=0, microsecond=0)
    waits = [2, 4, 6, 8, 10]  # minutes from ticket to first call
    tickets = [actions.issue_ticket(office, Service.PEREKAMAN, now=t0) for _ in waits]
    for minutes in waits:
        actions.call_next(counters["loket2"], now=t0 + dt.timedelta(minutes=minutes))
    actions.mark_no_show(tickets[-1], counter=counters["loket2"], now=t0 + dt.timedelta(minutes=11))
    actions.issue_ticket(office, Service.KK_AKTA, now=t0)
    figures = stats.daily_stats(office, timezone.localdate(t0))
    recording = figures.by_service[0]
    assert (recording.issued, recording.served, recording.no_shows, recording.waiting) == (5, 4, 1, 0)
    assert recording.mean_wait_seconds == 360
    assert recording.p90_wait_seconds == 600
    by_counter = {f.label: f for f in figures.by_counter}
    assert by_counter["Loket 2"].served == 4 and by_counter["Loket 2"].no_shows == 1
    assert by_counter["Loket 1"].issued == 0 and by_counter["Loket 1"].mean_wait_seconds is None
    assert figures.total.issued == 6 and figures.total.waiting == 1
