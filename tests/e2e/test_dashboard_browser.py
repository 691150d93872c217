"""The dashboard in a real browser: filter by kecamatan, the charts drawn by the vendored
Chart.js (no CSP violation), and an XLSX export downloaded and opened with openpyxl."""

import io

import pytest
from openpyxl import load_workbook

from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.reports import summary
from tests.reports.conftest import adults, advance, population  # noqa: F401  (fixture)

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_chart_and_xlsx_export(page, population, make_office, make_staff):  # noqa: F811
    mantikulore, palu_barat = make_office("72.71.08"), make_office("72.71.02")
    make_office("dinas")
    for resident in adults(kecamatan="72.71.08")[:5]:
        advance(resident, mantikulore, S.PICKED_UP)
    for resident in adults(kecamatan="72.71.02")[:2]:
        advance(resident, palu_barat, S.RECEIVED)
    summary.refresh(lag=0)
    supervisor = make_staff("supervisor", offices=("dinas",), password="kata-sandi-uji-2026")
    log_in(page, supervisor, "kata-sandi-uji-2026")

    page.goto("/laporan/")
    assert page.locator("#table-cakupan_kecamatan tbody tr").count() >= 2
    # Chart.js drew both charts: an instance on each canvas, with today's recordings in the data.
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-daily') && Chart.getChart('chart-coverage')")
    total = page.evaluate("() => Chart.getChart('chart-daily').data.datasets[0].data.reduce((a, b) => a + b, 0)")
    assert total == 7
    blank = page.evaluate(
        "() => { const c = document.getElementById('chart-daily'); const b = document.createElement('canvas');"
        " b.width = c.width; b.height = c.height; return c.toDataURL() === b.toDataURL(); }"
    )
    assert not blank

    # Filter: one kecamatan.
    page.select_option("#filter-kecamatan", "72.71.08")
    page.click("#report-filters button[type=submit]")
    page.wait_for_url("**kecamatan=72.71.08**")
    rows = page.locator("#table-cakupan_kecamatan tbody tr")
    assert rows.count() == 1 and "72.71.08" in rows.first.inner_text()
    assert page.locator("#filter-kelurahan").count() == 1  # its kelurahan/desa to choose from

    # The XLSX export with the filter applied.
    with page.expect_download() as download_info:
        page.click("#export-cakupan_kecamatan-xlsx")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx") and "72.71.08" in download.suggested_filename
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    values = list(sheet.values)
    assert values[3][0] == "72.71.08" and len(values) == 4
    assert values[3][3] == 5 and values[3][6] == 5  # recorded and picked up
