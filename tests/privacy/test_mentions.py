"""Reads that show several residents at once (a name search's results, lists, exports) reach
each resident's data tracker through audit mentions: one audit entry per action, one mention per
resident shown, as append-only as the log."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from adminduk.audit import chain
from adminduk.audit.actions import record
from adminduk.audit.models import AuditEntry, AuditMention
from adminduk.privacy import actions, export, policy, tracker

from ..sync.conftest import key_dir, node  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

SEARCH = reverse("web:resident_search")


def name_search(client, name, purpose="application"):
    response = client.get(SEARCH, {"nama": name, "tujuan": purpose})
    assert response.status_code == 200
    return response.content.decode()


def test_a_name_search_appears_in_the_tracker_of_each_resident_it_showed(family_with_phones, operator, staff_as, resident_client):
    head, wife, child = family_with_phones["head"], family_with_phones["wife"], family_with_phones["child"]
    body = name_search(staff_as(operator), "santoso")
    assert head.nik in body and child.nik in body and wife.nik not in body
    search = AuditEntry.objects.get(action="search")  # one entry for the search, not one per resident
    assert set(AuditMention.objects.filter(entry=search).values_list("nik", flat=True)) == {head.nik, child.nik}

    (line,) = tracker.tracker_for(head).lines
    assert line.entry_id == search.pk
    assert (line.office, line.role_code, line.purpose_code) == ("Kantor Camat Mantikulore", "kecamatan_operator", "application")
    assert line.shown_in and line.operator == ""
    assert [line.entry_id for line in tracker.tracker_for(child).lines] == [search.pk]
    assert tracker.tracker_for(wife).lines == []  # not in the result: nothing

    page = resident_client.get(reverse("privacy_portal:tracker"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Muncul di hasil pencarian nama" in page and "Kantor Camat Mantikulore" in page and "operator kecamatan" in page
    assert child.nik not in page  # who else the search showed is not the resident's business
    english = resident_client.get(reverse("privacy_portal:tracker"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Appeared in name search results" in english and "kecamatan operator" in english and "application" in english


def test_a_withheld_search_stays_out_until_the_withholding_ends(family_with_phones, operator, make_staff, staff_as):
    head = family_with_phones["head"]
    admin = make_staff("dinas_admin")
    name_search(staff_as(operator), "budi santoso", purpose="police_investigation")
    now = timezone.now()
    withholding = actions.withhold(category="police_investigation", covers_from=now - dt.timedelta(days=1), until=now + dt.timedelta(days=30),
                                   legal_basis="Surat Polresta Palu B/124/XI/2026", actor=admin)
    assert tracker.tracker_for(head).lines == []
    assert not export.data_of(head)["staff_reads_last_six_months"]
    later = tracker.tracker_for(head, now=now + dt.timedelta(days=31)).lines
    assert [line.purpose_code for line in later] == ["police_investigation"] and later[0].shown_in
    actions.end_withholding(withholding, actor=admin)
    assert [line.purpose_code for line in tracker.tracker_for(head).lines] == ["police_investigation"]


def test_the_data_download_lists_the_search_without_anyone_else(family_with_phones, operator, staff_as):
    head, child = family_with_phones["head"], family_with_phones["child"]
    name_search(staff_as(operator), "santoso")
    data = export.data_of(head)
    (read,) = data["staff_reads_last_six_months"]
    assert (read["action"], read["office"], read["role"], read["purpose"], read["shown_among_others"]) == (
        "search", "Kantor Camat Mantikulore", "kecamatan_operator", "application", True)
    assert child.nik not in json.dumps(read)


def test_each_resident_shown_may_object_to_the_same_search(family_with_phones, operator, staff_as):
    head, child = family_with_phones["head"], family_with_phones["child"]
    name_search(staff_as(operator), "santoso")
    search = AuditEntry.objects.get(action="search")
    actions.object_to(head, entry_id=search.pk, reason="Saya tidak pernah datang ke kantor camat.")
    actions.object_to(child, entry_id=search.pk, reason="Tidak kenal.")
    assert tracker.tracker_for(head).lines[0].objection is not None
    with translation.override("en"), pytest.raises(ValidationError, match="already objected"):
        actions.object_to(head, entry_id=search.pk, reason="lagi")
    wife = family_with_phones["wife"]
    with translation.override("en"), pytest.raises(ValidationError, match="not in your data tracker"):
        actions.object_to(wife, entry_id=search.pk, reason="?")


def test_lists_and_exports_reach_the_tracker_too(family_with_phones, supervisor, staff_as):
    head = family_with_phones["head"]
    client = staff_as(supervisor)
    url = reverse("web:resident_export")
    response = client.get(url, {"kelurahan": head.kelurahan_id})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    (line,) = tracker.tracker_for(head).lines
    with translation.override("en"):
        assert tracker.shown_in(AuditEntry.objects.get(pk=line.entry_id)) == "Included in an export: list of residents"
    assert line.role_code == "supervisor"


def test_a_mention_cannot_be_changed_or_removed(family_with_phones, operator):
    head = family_with_phones["head"]
    entry = record(None, "search", actor=operator, object_type="resident", object_id="budi", details={"by": "name"}, mentions=[head.nik])
    mention = AuditMention.objects.get(entry=entry)
    with pytest.raises(PermissionError):
        mention.save()
    with pytest.raises(PermissionError):
        AuditMention.objects.filter(pk=mention.pk).update(nik="7271080000000000")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditmention SET nik = %s WHERE id = %s", ["7271080000000000", mention.pk])
    if connection.vendor == "postgresql":  # SQLite keeps DELETE for the test flush (as for the entries)
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditmention WHERE id = %s", [mention.pk])
    # The entry's hash covers the NIKs it showed.
    assert entry.details["mentions"] == [head.nik]
    chain.link_pending()
    assert chain.verify().ok


def test_the_tracker_pages_by_position(family_with_phones, operator, resident_client, django_assert_max_num_queries):
    head = family_with_phones["head"]
    now = timezone.now()
    for _ in range(60):
        record(None, "view", actor=operator, object_type="resident", object_id=head.nik)
    for _ in range(60):
        record(None, "search", actor=operator, object_type="resident", object_id="santoso", details={"by": "name"}, mentions=[head.nik])
    policy.current()  # kept by each process for half a minute, not read per page
    with django_assert_max_num_queries(8):  # KKs, withholdings, 3 index ranges, the page's entries, objections, summaries
        first = tracker.tracker_for(head, now=now + dt.timedelta(seconds=1))
    assert len(first.lines) == 50 and first.newer is None and first.older
    second = tracker.tracker_for(head, before=tracker.Cursor.parse(first.older), now=now + dt.timedelta(seconds=1))
    third = tracker.tracker_for(head, before=tracker.Cursor.parse(second.older), now=now + dt.timedelta(seconds=1))
    assert (len(second.lines), len(third.lines), third.older) == (50, 20, None)
    ids = [line.entry_id for page in (first, second, third) for line in page.lines]
    assert len(set(ids)) == 120 and ids == sorted(ids, reverse=True)
    back = tracker.tracker_for(head, after=tracker.Cursor.parse(third.newer), now=now + dt.timedelta(seconds=1))
    assert [line.entry_id for line in back.lines] == [line.entry_id for line in second.lines]

    url = reverse("privacy_portal:tracker")
    page = resident_client.get(url)
    assert page.status_code == 200 and "?sebelum=" in page.content.decode()
    assert resident_client.get(url, {"sebelum": first.older}).status_code == 200
    for bad in ("12", "abc_1", "1_", "-5_1", "١٢_1", "123456789012345678_1"):
        assert resident_client.get(url, {"sebelum": bad}).status_code == 400, bad
    assert resident_client.get(url, {"sebelum": first.older, "sesudah": first.older}).status_code == 400


class RolledBack(Exception):
    pass


def test_a_name_search_on_a_node_reaches_the_central_tracker(node, family_with_phones, settings, django_capture_on_commit_callbacks, make_staff):  # noqa: F811
    from adminduk.enrollment import sealing
    from adminduk.privacy import node_reads
    from adminduk.sync.ingest import ingest_batch
    from adminduk.sync.models import OutboxPacket

    head, child, wife = family_with_phones["head"], family_with_phones["child"], family_with_phones["wife"]
    operator = make_staff("kecamatan_operator", offices=("72.71.08",), username="op.node")
    settings.ADMINDUK_CENTRAL_PUBLIC_KEY = sealing.public_key_b64(sealing.central_public_key())
    settings.ROLE = "node"
    settings.ADMINDUK_STATION_ID = str(node.station.pk)
    try:
        with transaction.atomic():
            record(None, "search", actor=operator, object_type="resident", object_id="santoso", purpose="pickup",
                   details={"by": "name", "name": "santoso"}, mentions=[head.nik, child.nik])
            assert node_reads.forward_pending() == 1
            bodies = [bytes(p.body) for p in OutboxPacket.objects.filter(kind=node_reads.KIND_AUDIT_READS)]
            raise RolledBack
    except RolledBack:
        pass
    settings.ROLE = "central"
    for _ in range(2):  # delivered again after a lost acknowledgement
        with django_capture_on_commit_callbacks(execute=True):
            ingest_batch(node.station, bodies)
    (line,) = tracker.tracker_for(head).lines
    assert (line.office, line.role_code, line.purpose_code) == (node.station.office.name, "kecamatan_operator", "pickup")
    with translation.override("id"):
        assert tracker.shown_in(AuditEntry.objects.get(pk=line.entry_id)) == "Muncul di hasil pencarian nama"
    assert len(tracker.tracker_for(child).lines) == 1 and tracker.tracker_for(wife).lines == []
    assert AuditMention.objects.filter(nik=head.nik).count() == 1  # once, although delivered twice


def test_the_chain_check_finds_a_mention_added_or_removed_behind_the_application(family_with_phones, operator):
    head, wife = family_with_phones["head"], family_with_phones["wife"]
    entry = record(None, "search", actor=operator, object_type="resident", object_id="budi", details={"by": "name"}, mentions=[head.nik])
    record(None, "view", actor=operator, object_type="resident", object_id=wife.nik)
    chain.link_pending()
    assert chain.verify().ok
    with connection.cursor() as cursor:  # a forged mention: the wife "shown" by a search that did not show her
        cursor.execute("INSERT INTO audit_auditmention (entry_id, nik, at) VALUES (%s, %s, %s)", [entry.pk, wife.nik, entry.at])
    verdict = chain.verify()
    assert not verdict.ok and verdict.entry_id == entry.pk and "mention" in verdict.reason


def test_a_queue_page_reaches_the_tracker_in_indonesian(family_with_phones, operator):
    head = family_with_phones["head"]
    entry = record(None, "view", actor=operator, object_type="print_queue", object_id="72.71.08", mentions=[head.nik])
    (line,) = tracker.tracker_for(head).lines
    assert line.entry_id == entry.pk
    with translation.override("id"):
        assert tracker.shown_in(entry) == "Muncul di: antrean cetak"
