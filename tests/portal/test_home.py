"""What a signed-in resident sees: their own data, their KK, their requests in plain words;
never another resident's; every read audited."""

import pytest

from adminduk.audit.models import AuditEntry
from adminduk.enrollment.requests import open_request, transition
from adminduk.enrollment.statuses import RequestStatus
from adminduk.portal.statuses import plain_status
from tests.portal.conftest import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]


def test_home_shows_own_data_and_kk_members(client, family_with_phones):
    head, wife, child = (family_with_phones[k] for k in ("head", "wife", "child"))
    sign_in(client, wife.nik, wife.phone)
    page = client.get("/portal/beranda/").content.decode()
    for resident in (head, wife, child):
        assert resident.full_name in page and resident.nik in page
    assert family_with_phones["family"].kk_number in page
    reads = AuditEntry.objects.filter(action="view", actor_role="resident", actor_username=f"warga-{wife.nik}")
    assert {e.object_type for e in reads} == {"resident", "family", "ktp_request", "booking"}


def test_a_resident_never_sees_another_residents_data(client, family_with_phones, make_resident, make_office):
    stranger = make_resident(full_name="ORANG LAIN SEKALI", phone="081299990000")
    office = make_office("72.71.08")
    open_request(nik=stranger.nik, office=office, kecamatan_code="72.71.08", status=RequestStatus.RECORDED, resident=stranger)
    head = family_with_phones["head"]
    sign_in(client, head.nik, head.phone)
    page = client.get("/portal/beranda/").content.decode()
    assert stranger.full_name not in page and stranger.nik not in page
    assert "Recording done" not in page  # the stranger's request is not listed
    # No portal URL takes a record's id: there is nothing to swap for another resident's.
    from django.urls import get_resolver

    patterns = [str(p.pattern) for p in get_resolver("adminduk.portal.urls").url_patterns]
    assert all("<" not in p for p in patterns), patterns
    # The stranger signing in sees their own request, not the head's family.
    client.post("/portal/keluar/")
    sign_in(client, stranger.nik, "+6281299990000")
    page = client.get("/portal/beranda/").content.decode()
    assert stranger.full_name in page and "Recording done" in page and head.full_name not in page


@pytest.mark.parametrize(
    "path, title",
    [
        ([], "Recording done"),
        (["sent", "received", "validated", "dedup_pending"], "Being checked"),
        (["sent", "received", "validated", "dedup_pending", "print_ready", "printing", "printed", "at_office"], "Card ready for pickup"),
    ],
)
def test_requests_show_their_status_in_plain_words(client, family_with_phones, make_office, path, title):
    head = family_with_phones["head"]
    office = make_office("72.71.08")
    request = open_request(nik=head.nik, office=office, kecamatan_code="72.71.08", status=RequestStatus.RECORDED, resident=head)
    for status in path:
        transition(request, status)
    sign_in(client, head.nik, head.phone)
    page = client.get("/portal/beranda/").content.decode()
    assert title in page
    if title == "Card ready for pickup":
        assert f"ready for pickup at {office.name}" in page


def test_the_home_page_is_indonesian_by_default(client, family_with_phones, make_office):
    head = family_with_phones["head"]
    office = make_office("72.71.08")
    open_request(nik=head.nik, office=office, kecamatan_code="72.71.08", status=RequestStatus.RECORDED, resident=head)
    client.defaults.pop("HTTP_ACCEPT_LANGUAGE", None)
    sign_in(client, head.nik, head.phone)
    page = client.get("/portal/beranda/").content.decode()
    assert "Permohonan saya" in page and "Sudah direkam" in page and 'lang="id"' in page


def test_every_status_has_plain_words():
    for status in RequestStatus.values:
        words = plain_status(status, "Kantor Camat Mantikulore")
        assert words.title and (words.explanation or status not in RequestStatus.values)
