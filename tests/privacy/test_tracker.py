"""The data tracker: staff reads of the resident's record and KK with office, role and purpose;
nobody else's entries; the resident's own and automatic reads apart; withholdings."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from adminduk.audit.actions import record
from adminduk.audit.models import AuditEntry
from adminduk.privacy import actions, tracker
from adminduk.privacy.models import PrivacyPolicy, Withholding

pytestmark = pytest.mark.django_db


def detail(nik, purpose=""):
    return reverse("web:resident_detail", args=[nik]) + (f"?tujuan={purpose}" if purpose else "")


def test_a_staff_read_appears_with_office_role_and_purpose(family_with_phones, operator, staff_as, resident_client):
    head = family_with_phones["head"]
    assert staff_as(operator).get(detail(head.nik, "application")).status_code == 200
    entry = AuditEntry.objects.filter(subject_nik=head.nik, actor=operator).get()
    assert entry.purpose == "application" and entry.office.name == "Kantor Camat Mantikulore"

    view = tracker.tracker_for(head)
    (line,) = view.lines
    assert (line.office, line.role_code, line.purpose_code, line.object_type) == ("Kantor Camat Mantikulore", "kecamatan_operator", "application", "resident")
    assert line.operator == ""  # no username unless the Dinas' policy says so

    page = resident_client.get(reverse("privacy_portal:tracker"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kantor Camat Mantikulore" in page and "kecamatan operator" in page and "application" in page
    assert "op.uji" not in page


def test_the_operator_name_shows_when_the_policy_says_so(family_with_phones, operator, staff_as):
    head = family_with_phones["head"]
    staff_as(operator).get(detail(head.nik, "recording"))
    PrivacyPolicy.objects.create(show_operator_name=True)
    assert tracker.tracker_for(head).lines[0].operator == "op.uji"


def test_a_kk_read_appears_for_every_member_and_another_residents_never(family_with_phones, make_resident, operator, staff_as):
    head, wife = family_with_phones["head"], family_with_phones["wife"]
    stranger = make_resident(full_name="ORANG LAIN", birth_date="1970-01-01")
    client = staff_as(operator)
    client.get(reverse("web:family_detail", args=[family_with_phones["family"].kk_number]) + "?tujuan=complaint")
    client.get(detail(stranger.nik, "recording"))
    client.get(detail(wife.nik, "pickup"))
    head_lines = tracker.tracker_for(head).lines
    assert [(line.object_type, line.purpose_code) for line in head_lines] == [("family", "complaint")]
    assert {line.purpose_code for line in tracker.tracker_for(wife).lines} == {"complaint", "pickup"}
    stranger_ids = set(AuditEntry.objects.filter(subject_nik=stranger.nik).values_list("pk", flat=True))
    assert stranger_ids and not stranger_ids & {line.entry_id for line in head_lines}
    assert [line.object_type for line in tracker.tracker_for(stranger).lines] == ["resident"]


def test_own_portal_reads_and_automatic_jobs_are_apart(family_with_phones, resident_client):
    head = family_with_phones["head"]
    resident_client.get(reverse("portal:home"))
    record(None, "update", object_type="resident", object_id=head.nik, details={"job": "nightly"})
    view = tracker.tracker_for(head)
    assert view.lines == []
    assert view.own.count >= 3  # home page: own data, KK, requests
    assert [s.count for s in view.system] == [1]


def test_a_read_long_ago_is_outside_the_six_months(family_with_phones, operator, staff_as):
    head = family_with_phones["head"]
    staff_as(operator).get(detail(head.nik, "recording"))
    assert tracker.tracker_for(head, now=timezone.now() + dt.timedelta(days=200)).lines == []


def test_withheld_entries_appear_when_the_withholding_ends(family_with_phones, operator, make_staff, staff_as):
    head = family_with_phones["head"]
    admin = make_staff("dinas_admin")
    client = staff_as(operator)
    client.get(detail(head.nik, "police_investigation"))
    client.get(detail(head.nik, "recording"))
    now = timezone.now()
    withholding = actions.withhold(category="police_investigation", covers_from=now - dt.timedelta(days=1), until=now + dt.timedelta(days=30),
                                   legal_basis="Surat Polresta Palu B/123/XI/2026", actor=admin)
    assert [line.purpose_code for line in tracker.tracker_for(head).lines] == ["recording"]
    # The withholding is audited, and another category or a later read is not withheld.
    assert AuditEntry.objects.filter(object_type="withholding", object_id=str(withholding.pk), action="create").exists()
    later = tracker.tracker_for(head, now=now + dt.timedelta(days=31))
    assert sorted(line.purpose_code for line in later.lines) == ["police_investigation", "recording"]
    actions.end_withholding(withholding, actor=admin)
    assert sorted(line.purpose_code for line in tracker.tracker_for(head).lines) == ["police_investigation", "recording"]
    assert AuditEntry.objects.filter(object_type="withholding", action="update").count() == 1


def test_a_withholding_for_one_nik_leaves_the_others(family_with_phones, operator, make_staff, staff_as):
    head, wife = family_with_phones["head"], family_with_phones["wife"]
    admin = make_staff("dinas_admin")
    staff_as(operator).get(reverse("web:family_detail", args=[family_with_phones["family"].kk_number]) + "?tujuan=court_order")
    now = timezone.now()
    actions.withhold(category="court_order", subject_nik=wife.nik, covers_from=now - dt.timedelta(days=1), until=now + dt.timedelta(days=5),
                     legal_basis="Penetapan PN Palu 12/2026", actor=admin)
    assert tracker.tracker_for(wife).lines == [] and len(tracker.tracker_for(head).lines) == 1


def test_the_withholding_page_refuses_bad_input_and_stores_nothing(make_staff, staff_as):
    client = staff_as(make_staff("dinas_admin"))
    url = reverse("privacy:withholdings")
    assert client.get(url).status_code == 200
    bad = [
        {"category": "gossip", "covers_from": "2026-01-01", "until": "2030-01-01", "legal_basis": "x"},
        {"category": "court_order", "covers_from": "2026-01-01", "until": "2025-01-01", "legal_basis": "x"},
        {"category": "court_order", "covers_from": "2026-01-01", "until": "2030-01-01", "legal_basis": ""},
        {"category": "court_order", "subject_nik": "123", "covers_from": "2026-01-01", "until": "2030-01-01", "legal_basis": "x"},
    ]
    for data in bad:
        assert client.post(url, data).status_code == 400, data
    assert not Withholding.objects.exists()
    good = {"category": "court_order", "covers_from": "2026-01-01", "until": "2030-01-01", "legal_basis": "PN Palu 1/2026"}
    assert client.post(url, good).status_code == 302 and Withholding.objects.count() == 1


def test_only_the_dinas_admin_withholds(supervisor, staff_as):
    assert staff_as(supervisor).get(reverse("privacy:withholdings")).status_code == 403


def test_the_tracker_is_an_index_lookup(family_with_phones, django_assert_max_num_queries):
    head = family_with_phones["head"]
    for i in range(30):
        record(None, "view", object_type="resident", object_id=head.nik, actor=None)
    with django_assert_max_num_queries(8):
        tracker.tracker_for(head)
