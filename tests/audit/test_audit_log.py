"""The audit log: one entry per read, browsing and CSV export for supervisors, scoped to the
jurisdiction, and no way to change or delete an entry (model, queryset, admin, database)."""

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from adminduk.audit.actions import record
from adminduk.audit.models import AuditEntry

from ..conftest import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(client, make_staff):
    user = make_staff("supervisor", offices=("72.71.08",), username="spv.mantikulore")
    login_verified(client, user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.user = user
    return client


def test_every_detail_view_and_api_lookup_leaves_exactly_one_entry(supervisor, sample_family):
    head = sample_family["head"]
    before = AuditEntry.objects.count()
    supervisor.get(reverse("web:resident_detail", args=[head.nik]))
    supervisor.get(f"/api/residents/{head.nik}")
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.action, e.object_id, e.kecamatan_code, e.actor_username) for e in entries] == [
        ("view", head.nik, "72.71.08", "spv.mantikulore"),
        ("view", head.nik, "72.71.08", "spv.mantikulore"),
    ]
    assert entries[0].office.code == "palu-mantikulore" and entries[0].ip_address == "127.0.0.1"


def test_supervisor_browses_filters_and_sees_only_the_jurisdiction(supervisor, sample_family, make_resident):
    head = sample_family["head"]
    elsewhere = make_resident(full_name="WARGA TIMUR", kelurahan="72.71.01.1004")
    record(None, "view", object_type="resident", object_id=elsewhere.nik, kecamatan_code="72.71.01")
    supervisor.get(reverse("web:resident_detail", args=[head.nik]))
    page = supervisor.get(reverse("audit:log")).content.decode()
    assert head.nik in page and elsewhere.nik not in page
    filtered = supervisor.get(reverse("audit:log"), {"record": head.nik, "action": "view"}).content.decode()
    assert head.nik in filtered and "login" not in filtered.lower().split("<tbody>")[1]
    empty = supervisor.get(reverse("audit:log"), {"record": elsewhere.nik}).content.decode()
    assert "No entries match this filter." in empty


def test_bad_filter_says_why_and_shows_nothing(supervisor, sample_family):
    response = supervisor.get(reverse("audit:log"), {"kecamatan": "7271", "date_from": "2026-02-31"})
    body = response.content.decode()
    assert "A kecamatan code looks like 72.71.08." in body and "Enter a valid date." in body
    assert "No entries match this filter." in body
    export = supervisor.get(reverse("audit:export"), {"date_from": "2026-11-25", "date_to": "2026-11-01"})
    assert export.status_code == 400 and "The end date is before the start date." in export.content.decode()


def test_csv_export_is_complete_safe_and_itself_audited(supervisor, sample_family):
    head = sample_family["head"]
    supervisor.get(reverse("web:resident_detail", args=[head.nik]))
    record(None, "update", object_type="resident", object_id=head.nik, kecamatan_code="72.71.08", details={"note": "=HYPERLINK(1)"})
    response = supervisor.get(reverse("audit:export"), {"record": head.nik})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["server_time", "device_time", "username"]
    assert {row[7] for row in rows[1:]} == {"view", "update"}
    assert all(not cell.startswith("=") for row in rows for cell in row)
    assert AuditEntry.objects.filter(action="export", object_type="audit_log", actor=supervisor.user).count() == 1


def test_operator_cannot_read_the_audit_log(client, make_staff):
    user = make_staff("kecamatan_operator", offices=("72.71.08",))
    login_verified(client, user)
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403


def test_entries_cannot_be_changed_or_deleted_by_any_path(client, make_staff):
    entry = record(None, "view", object_type="resident", object_id="7271081708900001", kecamatan_code="72.71.08")
    entry.action = "update"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="update")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    # Another client writing SQL directly is refused by the database trigger.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'update' WHERE id = %s", [entry.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    # The admin, superuser included, offers no change, delete or add.
    admin = make_staff("dinas_admin", offices=("dinas",), username="root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    login_verified(client, admin)
    change_url = reverse("admin:audit_auditentry_change", args=[entry.pk])
    assert client.get(change_url).status_code == 200  # viewable
    assert client.post(change_url, {"action": "update"}).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "view"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "9223372036854775807"}, "Page numbers go from 1 to 2,000."),
        ({"page": "0"}, "Page numbers go from 1 to 2,000."),
        ({"page": "-3"}, "Page numbers go from 1 to 2,000."),
        ({"page": "dua"}, "Page numbers go from 1 to 2,000."),
        ({"date_to": "9999-12-31"}, "Enter a date between 01-01-2000 and 31-12-2099."),
        ({"date_from": "0001-01-01"}, "Enter a date between 01-01-2000 and 31-12-2099."),
    ],
)
def test_far_page_numbers_and_dates_are_a_clear_400_and_store_nothing(supervisor, sample_family, params, message):
    before = AuditEntry.objects.count()
    response = supervisor.get(reverse("audit:log"), params)
    assert response.status_code == 400 and message in response.content.decode()
    assert "No entries match this filter." in response.content.decode()
    if "page" not in params:
        export = supervisor.get(reverse("audit:export"), params)
        assert export.status_code == 400 and message in export.content.decode()
        assert not export.has_header("Content-Disposition")
    assert AuditEntry.objects.count() == before


def test_the_last_page_and_the_edges_of_the_date_range_still_work(supervisor, sample_family):
    assert supervisor.get(reverse("audit:log"), {"page": "2000"}).status_code == 200
    response = supervisor.get(reverse("audit:log"), {"date_from": "2000-01-01", "date_to": "2099-12-31"})
    assert response.status_code == 200 and "No entries match this filter." not in response.content.decode()
    export = supervisor.get(reverse("audit:export"), {"date_from": "2000-01-01", "date_to": "2099-12-31"})
    assert export.status_code == 200 and len(b"".join(export.streaming_content).splitlines()) > 1


def test_bad_page_in_indonesian(supervisor, sample_family):
    response = supervisor.get(reverse("audit:log"), {"page": "9223372036854775807"}, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 400 and "Nomor halaman" in response.content.decode()
