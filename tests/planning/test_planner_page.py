"""The planner page: Dinas admins and supervisors of the whole kota only; the figures come from
adminduk's own registry, offices and equipment; bad input is a 400 with the reason."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from adminduk.enrollment.models import KtpRequest
from adminduk.enrollment.statuses import RequestStatus
from adminduk.offices.demo import create_demo_offices
from adminduk.offices.models import Office
from adminduk.planning import inputs
from adminduk.reports import summary

from ..conftest import login_verified

pytestmark = pytest.mark.django_db
URL = "/perencanaan/"


@pytest.fixture
def kota(palu_regions, sample_family, make_resident):
    """Kota Palu's demo offices and equipment, a family of Mantikulore (two wajib KTP adults
    and a child), two more adults, one of them recorded."""
    create_demo_offices("72.71")
    extra = make_resident(full_name="RINA WATI", sex="P", birth_date="1995-02-03")
    make_resident(full_name="DEDI KURNIA", sex="L", birth_date="1999-09-09")
    KtpRequest.objects.create(resident=extra, nik=extra.nik, office=Office.objects.get(code="palu-mantikulore"), kecamatan_code="72.71.08", status=RequestStatus.PRINT_READY)
    summary.rebuild()  # the planner reads the dashboards' summary tables
    return sample_family


@pytest.fixture
def as_user(client, make_staff):
    def login(role, offices=("dinas",), **kwargs):
        user = make_staff(role, offices=offices, **kwargs)
        login_verified(client, user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return login


def test_the_registry_figures(kota):
    found = inputs.from_registry("72.71", timezone.localdate())
    assert len(found.kecamatan) == 8
    mantikulore = next(k for k in found.kecamatan if k.kode == "72.71.08")
    assert (mantikulore.wajib_ktp, mantikulore.recorded) == (4, 1)  # the child is not wajib KTP
    assert mantikulore.sets >= 1 and mantikulore.per_set_per_day > 0
    assert sum(k.wajib_ktp for k in found.kecamatan) == 4
    assert found.dinas_printers == 2
    # Two offices serve until 20:00: their evening share is their evening hours on their day hours.
    assert sum(k.evening for k in found.kecamatan) == 2
    assert 0.3 < found.evening_share < 0.6


@pytest.mark.parametrize("role", ["dinas_admin", "supervisor"])
def test_dinas_staff_see_the_plan(kota, as_user, role):
    client = as_user(role)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mantikulore" in html and 'id="plan-table"' in html and 'id="plan-cost"' in html
    assert "Queue simulation" in html or "queue simulation" in html
    assert 'id="simulation-table"' in html
    assert reverse("planning:planner") in client.get(reverse("web:home")).content.decode()  # in the menu


@pytest.mark.parametrize(
    ("role", "offices", "certified"),
    [
        ("kecamatan_operator", ("72.71.08",), ("recording",)),
        ("supervisor", ("72.71.08",), ()),  # a kecamatan supervisor: not the whole kota
        ("verifier", ("dinas",), ()),
        ("print_operator", ("dinas",), ("printing",)),
    ],
)
def test_everyone_else_is_refused(kota, as_user, role, offices, certified):
    client = as_user(role, offices=offices, certified=certified)
    assert client.get(URL).status_code == 403
    assert reverse("planning:planner") not in client.get(reverse("web:home")).content.decode()


def test_a_node_has_no_planner(kota, as_user, settings):
    client = as_user("dinas_admin")
    settings.ROLE = "node"
    assert client.get(URL).status_code == 404


def plan_params(start: dt.date, deadline: dt.date, **overrides) -> dict:
    """The planner form's fields, as the page sends them."""
    return {
        "start": start.isoformat(), "deadline": deadline.isoformat(), "budget": "",
        "set_cost": "150000000", "printer_cost": "50000000", "evening_cost": "500000",
        "max_sets": "8", "max_printers": "3", "lead_days": "0",
    } | overrides


def test_not_logged_in_goes_to_the_login(client, kota):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_budget_too_small_shows_the_shortfall(kota, as_user):
    client = as_user("dinas_admin")
    today = timezone.localdate()
    # Two weeks hold working days whatever today is (a weekend, a holiday week).
    params = plan_params(today, today + dt.timedelta(days=14), budget="0", set_cost="150.000.000")
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="plan-verdict"' in html


def test_a_weekend_without_working_days_is_a_400_in_indonesian(kota, as_user):
    client = as_user("dinas_admin")
    del client.defaults["HTTP_ACCEPT_LANGUAGE"]  # the default language
    today = timezone.localdate()
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    params = plan_params(saturday, saturday + dt.timedelta(days=1))
    response = client.get(URL, params)
    assert response.status_code == 400
    expected = f"Tidak ada hari kerja dari {saturday:%d-%m-%Y} sampai {saturday + dt.timedelta(days=1):%d-%m-%Y}."
    assert expected in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("deadline", "2020-01-01", "The deadline is in the past."),
        ("deadline", "kemarin", "Enter a valid date."),
        ("budget", "banyak", "Enter an amount in rupiah"),
        ("max_sets", "-1", "greater than or equal to 1"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(kota, as_user, field, value, says):
    client = as_user("supervisor")
    today = timezone.localdate()
    params = plan_params(today, today + dt.timedelta(days=100)) | {field: value}
    response = client.get(URL, params)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert 'id="plan-table"' not in response.content.decode()


def test_an_unknown_office_to_simulate_is_a_400(kota, as_user):
    client = as_user("dinas_admin")
    response = client.get(URL, {"kantor": "palu-nowhere"})
    assert response.status_code == 400
    assert "not a kecamatan office with a recording set" in response.content.decode()


def test_the_page_in_indonesian_has_no_english(kota, client, make_staff):
    from tests.web.test_indonesian_everywhere import Checker

    user = make_staff("supervisor", username="spv.rencana")
    login_verified(client, user)
    html = client.get(URL, {"kantor": "palu-mantikulore"}).content.decode()
    assert "Perencanaan" in html
    assert Checker().untranslated(html) == set()
