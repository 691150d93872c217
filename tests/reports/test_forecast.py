import datetime as dt
import math

import pytest

from adminduk.reports.forecast import forecast

TODAY = dt.date(2026, 6, 1)


def test_the_seed_palembang_figures_finish_about_190_days_out():
    # 1.2 million wajib KTP, 29,000 recorded, 16 kecamatan at 380 recordings a day each.
    result = forecast(1_200_000 - 29_000, [16 * 380] * 14, today=TODAY, deadline=dt.date(2026, 12, 31))
    assert result.rate == 6080 and result.rate_sd == 0
    assert math.ceil((1_200_000 - 29_000) / 6080) == 193
    assert result.completion == TODAY + dt.timedelta(days=193)
    assert result.earliest == result.latest == result.completion  # no variation, no band
    assert result.completion == dt.date(2026, 12, 11) and result.on_track is True
    sooner = forecast(1_200_000 - 29_000, [16 * 380] * 14, today=TODAY, deadline=dt.date(2026, 11, 30))
    assert sooner.on_track is False


def test_the_band_comes_from_the_day_to_day_variation():
    counts = [80, 120, 100, 90, 110, 100, 100]
    result = forecast(10_000, counts, today=TODAY)
    mean = 100
    sd = math.sqrt(sum((x - mean) ** 2 for x in counts) / 6)
    half = 1.96 * sd / math.sqrt(7)
    assert result.rate == pytest.approx(mean) and result.rate_sd == pytest.approx(sd)
    assert result.rate_low == pytest.approx(mean - half) and result.rate_high == pytest.approx(mean + half)
    assert result.completion == TODAY + dt.timedelta(days=100)
    assert result.earliest == TODAY + dt.timedelta(days=math.ceil(10_000 / (mean + half)))
    assert result.latest == TODAY + dt.timedelta(days=math.ceil(10_000 / (mean - half)))
    assert result.earliest < result.completion < result.latest


def test_no_recordings_means_no_completion_date():
    result = forecast(500, [0] * 14, today=TODAY, deadline=dt.date(2026, 12, 31))
    assert result.completion is None and result.latest is None and result.on_track is False


def test_a_rate_that_may_be_zero_leaves_the_late_edge_open():
    result = forecast(500, [0, 0, 0, 0, 0, 0, 70], today=TODAY)
    assert result.completion == TODAY + dt.timedelta(days=50)
    assert result.rate_low == 0 and result.latest is None


def test_nothing_left_is_complete_today_and_on_track():
    result = forecast(0, [10] * 14, today=TODAY, deadline=TODAY)
    assert result.completion == TODAY and result.on_track is True and result.remaining == 0
