"""The dashboard page: scoping (deny by default, another kecamatan is a 404), filters, bad
input (400 with the reason), CSV and XLSX exports of every table, parts without data."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from adminduk.audit.models import AuditEntry
from adminduk.enrollment.statuses import RequestStatus as S
from adminduk.reports import summary
from adminduk.reports.dashboard import build
from adminduk.reports.filters import parse
from adminduk.accounts.scoping import scope_of
from tests.conftest import login_verified

from .conftest import adults, advance

pytestmark = pytest.mark.django_db
URL = "/laporan/"


@pytest.fixture
def figures(population, make_office):
    mantikulore, palu_barat = make_office("72.71.08"), make_office("72.71.02")
    make_office("dinas")
    for resident in adults(kecamatan="72.71.08")[:6]:
        advance(resident, mantikulore, S.PRINTED)
    for resident in adults(kecamatan="72.71.02")[:3]:
        advance(resident, palu_barat, S.RECEIVED)
    summary.refresh(lag=0)


def open_as(client, make_staff, role, offices):
    return login_verified(client, make_staff(role, offices=offices))


def table(html: str, key: str) -> str:
    start = html.index(f'id="table-{key}"')
    return html[start : html.index("</section>", start)]


def test_dinas_supervisor_sees_every_kecamatan(client, make_staff, figures):
    response = open_as(client, make_staff, "supervisor", ("dinas",)).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    coverage = table(html, "cakupan_kecamatan")
    assert "72.71.08" in coverage and "72.71.02" in coverage
    assert 'id="chart-daily"' in html and 'id="report-chart-data"' in html
    assert "chart.umd.min.js" in html and "<script>" not in html  # no inline script (CSP)


def test_a_kecamatan_supervisor_sees_only_their_kecamatan(client, make_staff, figures):
    client = open_as(client, make_staff, "supervisor", ("72.71.08",))
    html = client.get(URL).content.decode()
    coverage = table(html, "cakupan_kecamatan")
    assert "72.71.08" in coverage and "72.71.02" not in coverage
    assert "72.71.02." not in table(html, "cakupan_kelurahan")
    # Tampering with the URL: another kecamatan or one of its kelurahan is not found.
    assert client.get(URL + "?kecamatan=72.71.02").status_code == 404
    assert client.get(URL + "?kelurahan=72.71.02.1002").status_code == 404
    assert client.get(reverse("reports:export", args=["cakupan_kecamatan", "csv"]) + "?kecamatan=72.71.02").status_code == 404
    rows = list(csv.reader(io.StringIO(b"".join(client.get(reverse("reports:export", args=["cakupan_kecamatan", "csv"]))).decode())))
    assert [r[0] for r in rows[1:]] == ["72.71.08"]


def test_roles_without_the_permission_are_refused(client, make_staff, figures):
    assert open_as(client, make_staff, "print_operator", ("dinas",)).get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?dari=2026-13-01", "bukan tanggal"),
        ("?sampai=kemarin", "bukan tanggal"),
        ("?dari=2026-05-02&sampai=2026-05-01", "setelah"),
        ("?kecamatan=72.71.99", "tidak dikenal"),
        ("?kelurahan=72.71.08.9999", "tidak dikenal"),
        ("?tenggat=31-12-2026", "bukan tanggal"),
        ("?kecamatan=72.71.08&kelurahan=72.71.02.1002", "tidak berada"),
    ],
)
def test_bad_filters_are_a_400_with_the_reason(client, make_staff, figures, query, message):
    response = open_as(client, make_staff, "supervisor", ("dinas",)).get(URL + query)
    assert response.status_code == 400
    assert message in response.content.decode().lower()
    assert client.get(reverse("reports:export", args=["cakupan_kecamatan", "xlsx"]) + query).status_code == 400


def test_filters_narrow_the_tables(client, make_staff, figures):
    client = open_as(client, make_staff, "supervisor", ("dinas",))
    html = client.get(URL + "?kecamatan=72.71.08").content.decode()
    assert "72.71.02" not in table(html, "cakupan_kecamatan")
    kelurahan = adults(kecamatan="72.71.08")[0].kelurahan_id
    html = client.get(URL + f"?kelurahan={kelurahan}").content.decode()
    rows = table(html, "cakupan_kelurahan")
    assert kelurahan in rows and rows.count("<tr>") == 2  # the header and the one kelurahan
    # A period before any recording: throughput says there is none instead of zeros.
    html = client.get(URL + "?dari=2020-01-01&sampai=2020-01-31").content.decode()
    assert "Tidak ada perekaman, pencetakan, atau pengambilan" in table(html, "throughput_kantor")


def test_every_table_exports_as_csv_and_xlsx(client, make_staff, figures):
    client = open_as(client, make_staff, "supervisor", ("dinas",))
    f = parse({}, scope_of(client.get(URL).wsgi_request.user))
    tables = build(f, scope_of(client.get(URL).wsgi_request.user))["tables"]
    exported = 0
    for t in tables:
        if not t.has_data:
            continue
        response = client.get(reverse("reports:export", args=[t.key, "xlsx"]))
        assert response.status_code == 200, t.key
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = list(sheet.values)
        assert values[0][0] == t.title
        assert list(values[2]) == t.columns
        assert len(values) == 3 + len(t.rows)
        response = client.get(reverse("reports:export", args=[t.key, "csv"]))
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert rows[0] == t.columns and len(rows) == 1 + len(t.rows)
        exported += 1
    assert exported >= 5
    assert AuditEntry.objects.filter(action="export", object_type="dashboard").count() == 2 * exported
    assert client.get(reverse("reports:export", args=["tidak-ada", "csv"])).status_code == 404
    assert client.get(reverse("reports:export", args=["cakupan_kecamatan", "pdf"])).status_code == 400


def test_xlsx_coverage_figures_match_the_summary(client, make_staff, figures):
    client = open_as(client, make_staff, "supervisor", ("dinas",))
    sheet = load_workbook(io.BytesIO(client.get(reverse("reports:export", args=["cakupan_kecamatan", "xlsx"])).content)).active
    rows = {row[0]: row for row in list(sheet.values)[3:]}
    wajib = len(adults(kecamatan="72.71.08"))
    assert rows["72.71.08"][2] == wajib and rows["72.71.08"][3] == 6 and rows["72.71.08"][5] == 6
    assert rows["72.71.02"][3] == 3 and rows["72.71.02"][4] == 0
    assert all(row[7] is None or row[7] <= 100 for row in rows.values())


def test_the_node_has_no_dashboard(client, make_staff, figures, settings):
    settings.ROLE = "node"
    assert open_as(client, make_staff, "supervisor", ("dinas",)).get(URL).status_code == 404
