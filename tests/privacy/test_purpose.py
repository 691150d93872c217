"""Purpose on every read: operator pages take a stated purpose (`tujuan`) or infer it, and a
search without purpose is refused for the roles the Dinas' policy names."""

import pytest
from django.urls import reverse

from adminduk.audit.models import AuditEntry
from adminduk.privacy.models import PrivacyPolicy

pytestmark = pytest.mark.django_db

SEARCH = "/penduduk/cari/"


@pytest.fixture
def required():
    return PrivacyPolicy.objects.create(purpose_required_roles=["kecamatan_operator"])


def test_a_search_without_purpose_is_refused_for_the_configured_role(required, family_with_phones, operator, staff_as):
    client = staff_as(operator)
    head = family_with_phones["head"]
    for query in ({"nik": head.nik}, {"nama": "BUDI SANTOSO"}, {"kk": family_with_phones["family"].kk_number}):
        response = client.get(SEARCH, query)
        assert response.status_code == 400, query
        assert head.full_name not in response.content.decode()
    assert not AuditEntry.objects.filter(action="search").exists()
    assert AuditEntry.objects.filter(action="denied", actor=operator).count() == 3
    response = client.get(SEARCH, {"nik": head.nik, "tujuan": "recording"})
    assert response.status_code == 200 and head.full_name in response.content.decode()
    assert AuditEntry.objects.get(action="search").purpose == "recording"
    # An unknown purpose counts as none.
    assert client.get(SEARCH, {"nik": head.nik, "tujuan": "curiosity"}).status_code == 400


def test_the_empty_search_page_still_opens(required, operator, staff_as):
    assert staff_as(operator).get(SEARCH).status_code == 200


def test_other_roles_search_without_purpose(required, family_with_phones, supervisor, staff_as):
    response = staff_as(supervisor).get(SEARCH, {"nik": family_with_phones["head"].nik})
    assert response.status_code == 200 and AuditEntry.objects.get(action="search").purpose is None


def test_without_a_policy_nobody_must_state_a_purpose(family_with_phones, operator, staff_as):
    assert staff_as(operator).get(SEARCH, {"nik": family_with_phones["head"].nik}).status_code == 200


def test_a_record_page_asks_for_the_purpose_and_stores_it(required, family_with_phones, operator, staff_as):
    client = staff_as(operator)
    head = family_with_phones["head"]
    url = reverse("web:resident_detail", args=[head.nik])
    asked = client.get(url).content.decode()
    assert 'name="tujuan"' in asked and head.full_name not in asked
    assert not AuditEntry.objects.filter(subject_nik=head.nik, actor=operator).exists()
    page = client.get(url, {"tujuan": "pickup"}).content.decode()
    assert head.full_name in page
    assert AuditEntry.objects.get(subject_nik=head.nik, actor=operator, action="view").purpose == "pickup"
    # The result links carry the purpose on.
    result = client.get(SEARCH, {"nik": head.nik, "tujuan": "pickup"}).content.decode()
    assert f"/penduduk/{head.nik}/?tujuan=pickup" in result


def test_pages_infer_the_purpose(family_with_phones, make_staff, staff_as):
    head = family_with_phones["head"]
    admin = make_staff("dinas_admin")
    staff_as(admin).get(reverse("web:resident_edit", args=[head.nik]))
    assert AuditEntry.objects.get(subject_nik=head.nik, actor=admin).purpose == "correction"
