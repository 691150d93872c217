"""The planner page in a browser: a Dinas supervisor opens *Perencanaan* from the menu, sets a
one-working-day deadline and a small budget, sees which kecamatan get sets and what the budget
falls short by, and simulates a day at another office. A kecamatan operator is refused. The
page fixture fails the test on any Content-Security-Policy violation."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from adminduk.offices.demo import create_demo_offices
from adminduk.planning.calendar import WorkingCalendar
from adminduk.population.generator import generate_population
from adminduk.reports import summary

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kata-sandi-rencana-2026"


@pytest.fixture
def kota(palu_regions):
    create_demo_offices("72.71")
    generate_population("72.71", 2500, seed=14)
    summary.rebuild()  # the planner reads the dashboards' summary tables (kept current every minute)


def test_a_supervisor_plans_to_a_near_deadline_and_simulates_an_office(page, kota, make_staff):
    supervisor = make_staff("supervisor", offices=("dinas",), password=PASSWORD, username="spv.kota")
    log_in(page, supervisor, PASSWORD)
    page.get_by_role("link", name="Perencanaan").click()
    page.wait_for_url("**/perencanaan/")
    expect(page.locator("#plan-table tbody tr")).to_have_count(9)  # 8 kecamatan and the Dinas
    assert "Tenggat tercapai di semua kecamatan." in page.inner_text("#plan-verdict")

    # One working day from next week on: the offices cannot record everyone in a day.
    day = WorkingCalendar(timezone.localdate() + dt.timedelta(days=7)).nth(1)
    page.fill("#id_start", day.isoformat())
    page.fill("#id_deadline", day.isoformat())
    page.fill("#id_budget", "300.000.000")
    page.click("#plan-submit")
    page.wait_for_url("**deadline=*")
    verdict = page.inner_text("#plan-verdict")
    assert "Tenggat tidak tercapai dengan anggaran ini: kurang Rp " in verdict
    assert "Anggaran yang diperlukan Rp " in verdict
    assert page.inner_text("#plan-cost").startswith("Rp ")
    added = [text for text in page.locator("#plan-table .plan-add-sets").all_inner_texts() if text.startswith("+")]
    assert added, "no kecamatan got a recording set"
    assert page.locator("#plan-table .badge-warning").count() >= 1  # late under the budget

    # The simulation of another office keeps the plan's figures in the address.
    options = page.locator("#sim-office option")
    assert options.count() >= 2
    second = options.nth(1).get_attribute("value")
    page.select_option("#sim-office", second)
    page.get_by_role("button", name="Simulasikan").click()
    page.wait_for_url(f"**kantor={second}*")
    assert f"deadline={day.isoformat()}" in page.url
    rows = page.locator("#simulation-table tbody tr")
    expect(rows).to_have_count(2)
    assert "Hanya jam siang" in rows.nth(0).inner_text() and "Dengan layanan malam" in rows.nth(1).inner_text()
    assert "nilai bawaan" in page.inner_text("#simulation")  # no queue records yet: defaults, said so


def test_a_kecamatan_operator_is_refused(page, kota, make_staff):
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), certified=("recording",), password=PASSWORD, username="op.kota")
    log_in(page, operator, PASSWORD)
    assert page.get_by_role("link", name="Perencanaan").count() == 0
    response = page.goto("/perencanaan/")
    assert response.status == 403
