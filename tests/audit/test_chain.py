"""The audit log is tamper-evident: a hash chain over every entry, a verification that names the
first broken entry (changed, missing before it, or a cut-off tail), the daily check by the task
queue and its alert on the home page."""

import datetime as dt
import io
import threading
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from adminduk.audit import chain
from adminduk.audit.actions import check_chain, record
from adminduk.audit.models import AuditChainHead, AuditCheck, AuditEntry

from ..conftest import login_verified

pytestmark = pytest.mark.django_db


@contextmanager
def tampering():
    """What someone with direct database access can do: set the append-only trigger aside
    (the table owner on PostgreSQL; anyone holding the file on SQLite). Undone with the test's
    transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER TABLE
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")
        yield cursor


def three_entries():
    """Three entries, linked as they would be right after their commit (a test's transaction
    never commits, so the on_commit link is run here)."""
    entries = [
        record(None, "view", object_type="resident", object_id=f"727108170890000{i}", kecamatan_code="72.71.08", details={"i": i})
        for i in (1, 2, 3)
    ]
    chain.link_pending()
    return [AuditEntry.objects.get(pk=e.pk) for e in entries]


def verify_command() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_each_entry_carries_the_hash_of_the_one_before():
    first, second, third = three_entries()
    stored = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in stored][-3:] == [first.seq, first.seq + 1, first.seq + 2]
    assert second.prev_hash == first.entry_hash and third.prev_hash == second.entry_hash
    assert all(len(e.entry_hash) == 64 and chain.entry_hash(e) == e.entry_hash for e in stored)
    head = AuditChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (third.seq, third.entry_hash)
    verdict = chain.verify()
    assert verdict.ok and verdict.count == len(stored)


def test_the_hash_covers_every_stored_field():
    entry = three_entries()[1]
    reloaded = AuditEntry.objects.get(pk=entry.pk)
    covered = {f.attname for f in AuditEntry._meta.concrete_fields} - {"entry_hash"} - set(chain.OPTIONAL_FIELDS)
    serialized = chain.serialize(reloaded).decode()
    for name in covered:
        key = "id" if name == "id" else name
        assert f'"{key}":' in serialized, name
    # Any one changed value changes the hash, the id and the time included.
    # The columns added later (subject, purpose) are covered when set: setting, changing or
    # clearing one changes the hash; an entry from before they existed hashes as it did.
    for name, value in [("id", entry.pk + 1000), ("at", entry.at + dt.timedelta(microseconds=1)), ("object_id", "x"), ("details", {"i": 9}),
                        ("subject_nik", "7271080101900001"), ("subject_kk", "7271080101900002"), ("purpose", "complaint")]:
        changed = AuditEntry.objects.get(pk=entry.pk)
        setattr(changed, name, value)
        assert chain.entry_hash(changed) != entry.entry_hash, name


def test_details_hash_the_same_after_the_round_trip_through_the_database(make_staff):
    user = make_staff("supervisor", username="spv")
    record(None, "update", actor=user, object_type="resident", details={"n": 1.0, "big": 1e20, "pair": (1, 2), 3: "int key", "nama": "Siti Ñ"})
    verdict = chain.verify()
    assert verdict.ok, verdict


def test_a_changed_entry_is_named(make_staff):
    first, second, third = three_entries()
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object_id = %s WHERE id = %s", ["7271080000000000", second.pk])
    verdict = chain.verify()
    assert not verdict.ok and verdict.entry_id == second.pk and "changed after it was written" in verdict.reason
    code, out = verify_command()
    assert code == 1 and out.strip().startswith(f"BROKEN at entry {second.pk}: changed") and out.count("\n") == 1


def test_a_rewritten_link_is_named():
    first, second, third = three_entries()
    with tampering() as cursor:
        # Change an entry and recompute its own hash: the next entry's link no longer fits.
        changed = AuditEntry.objects.get(pk=second.pk)
        changed.object_id = "7271080000000000"
        cursor.execute("UPDATE audit_auditentry SET object_id = %s, entry_hash = %s WHERE id = %s", [changed.object_id, chain.entry_hash(changed), second.pk])
    verdict = chain.verify()
    assert not verdict.ok and verdict.entry_id == third.pk and "link" in verdict.reason


def test_a_deleted_entry_is_noticed_at_the_next_one():
    first, second, third = three_entries()
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [second.pk])
    verdict = chain.verify()
    assert not verdict.ok and verdict.entry_id == third.pk
    assert f"1 entry missing before it (positions {second.seq}–{second.seq}" in verdict.reason


def test_a_deleted_tail_is_noticed_through_the_chain_head():
    first, second, third = three_entries()
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id IN (%s, %s)", [second.pk, third.pk])
    verdict = chain.verify()
    assert not verdict.ok and verdict.entry_id is None
    assert verdict.reason.startswith(f"deleted tail: the head records {third.seq} entries, the log ends at {first.seq}")
    code, out = verify_command()
    assert code == 1 and out.startswith("BROKEN at chain head: deleted tail")
    # Appending goes on after the cut; the gap stays visible.
    later = record(None, "view", object_type="resident", object_id="7271081708900009")
    chain.link_pending()
    later.refresh_from_db()
    assert later.seq == third.seq + 1
    assert chain.verify().entry_id == later.pk


def test_the_chain_head_never_goes_back():
    three_entries()
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditchainhead SET last_seq = last_seq - 1")
    assert chain.verify().ok


def insert_raw(cursor, **chain_fields):
    columns = ", ".join(chain_fields)
    marks = ", ".join(["%s"] * len(chain_fields))
    cursor.execute(
        "INSERT INTO audit_auditentry (at, actor_username, actor_role, user_agent, action, object_type, object_id,"
        f" kecamatan_code, path, details{', ' if chain_fields else ''}{columns})"
        f" VALUES (%s, 'x', '', '', 'view', '', '', '', '', '{{}}'{', ' if chain_fields else ''}{marks})",
        [timezone.now(), *chain_fields.values()],
    )
    cursor.execute("SELECT MAX(id) FROM audit_auditentry")
    return cursor.fetchone()[0]


def test_an_entry_given_a_position_around_the_linker_is_named():
    first, second, third = three_entries()
    with connection.cursor() as cursor:
        forged = insert_raw(cursor, seq=third.seq + 5, prev_hash=third.entry_hash, entry_hash="f" * 64)
    verdict = chain.verify()
    assert not verdict.ok and verdict.entry_id == forged and "4 entries missing before it" in verdict.reason


def test_an_entry_with_a_forged_position_next_in_line_is_named():
    first, second, third = three_entries()
    with connection.cursor() as cursor:
        forged = insert_raw(cursor, seq=third.seq + 1, prev_hash=third.entry_hash, entry_hash="f" * 64)
    verdict = chain.verify()
    assert not verdict.ok and verdict.entry_id == forged and "changed after it was written" in verdict.reason


def test_the_database_allows_linking_an_entry_once_and_nothing_else():
    from django.db import DatabaseError, transaction

    entry = record(None, "view", object_type="resident", object_id="7271081708900001")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        # Linking and changing the content in one go is refused.
        cursor.execute("UPDATE audit_auditentry SET seq = 999, object_id = 'x' WHERE id = %s", [entry.pk])
    assert chain.link_pending() == 1
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET seq = 999 WHERE id = %s", [entry.pk])  # linked: never again
    assert chain.verify().ok


def test_an_entry_joins_the_chain_when_its_transaction_commits(django_capture_on_commit_callbacks):
    from django.db import transaction

    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record(None, "view", object_type="resident", object_id="7271081708900001")
        raise RuntimeError("the action failed")
    assert AuditEntry.objects.count() == before  # rolled back with the action it audited
    with django_capture_on_commit_callbacks(execute=True):
        entry = record(None, "view", object_type="resident", object_id="7271081708900002")
        assert AuditEntry.objects.get(pk=entry.pk).seq is None
    entry.refresh_from_db()
    assert entry.seq == AuditChainHead.objects.get().last_seq and entry.entry_hash == chain.entry_hash(entry)


def test_verify_command_prints_one_ok_line_and_keeps_the_result():
    entries = three_entries()
    code, out = verify_command()
    total = AuditEntry.objects.count()
    assert code == 0 and out == f"OK {total} entries, chain head {entries[-1].seq} {entries[-1].entry_hash}\n"
    check = AuditCheck.objects.get()
    assert check.ok and check.entries == total and check.head_hash == entries[-1].entry_hash


def test_verify_command_refuses_an_unknown_subcommand():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("audit", "repair")


def test_the_daily_task_checks_once_a_day_and_keeps_the_result():
    from adminduk.audit import tasks

    periodic = tasks.verify_chain_daily.task_class()
    start = dt.datetime(2026, 12, 1)
    runs = [m for m in range(24 * 60) if periodic.validate_datetime(start + dt.timedelta(minutes=m))]
    assert len(runs) == 1
    three_entries()
    assert tasks.verify_chain_daily.call_local() is True
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = (SELECT MAX(id) FROM audit_auditentry)")
    assert tasks.verify_chain_daily.call_local() is False
    latest = AuditCheck.objects.order_by("-checked_at", "-id").first()
    assert not latest.ok and "deleted tail" in latest.reason


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    """Several writers at once (each thread its own database connection, as separate processes
    would have): every append lands in one gap-free chain. No in-process lock is involved."""
    writers, per_writer, errors = 6, 15, []
    barrier = threading.Barrier(writers)

    def write(n):
        try:
            barrier.wait()
            for i in range(per_writer):
                record(None, "view", object_type="resident", object_id=f"{n}-{i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()  # each linked after its commit
    verdict = chain.verify()
    assert verdict.ok, verdict
    assert verdict.count == AuditEntry.objects.count() >= writers * per_writer
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


# --- The alert on the home page -------------------------------------------------------------


@pytest.fixture
def home(client, make_staff):
    def get(role, offices=("dinas",)):
        user = make_staff(role, offices=offices)
        login_verified(client, user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client.get(reverse("web:home")).content.decode()

    return get


def test_home_of_supervisors_and_admins_alerts_on_a_broken_chain(home):
    first, second, third = three_entries()
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object_id = 'x' WHERE id = %s", [second.pk])
    check = check_chain()
    when = timezone.localtime(check.checked_at).strftime("%d-%m-%Y %H:%M")
    for role in ("supervisor", "dinas_admin"):
        page = home(role)
        assert f"The audit log has been tampered with: the check on {when} found entry {second.pk} broken." in page
    assert "tampered" not in home("kecamatan_operator", offices=("72.71.08",))


def test_home_says_when_the_chain_was_last_checked(home):
    three_entries()
    assert "has not been checked yet" in home("supervisor")
    check = check_chain()
    page = home("supervisor")
    assert f"Audit log intact: {check.entries} entries checked on {timezone.localtime(check.checked_at):%d-%m-%Y %H:%M}." in page
    AuditCheck.objects.filter(pk=check.pk).update(checked_at=timezone.now() - dt.timedelta(days=2))
    assert "the daily check has not run since" in home("supervisor")


def test_home_page_in_indonesian_names_the_broken_entry(client, make_staff):
    entry = three_entries()[0]
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object_id = 'x' WHERE id = %s", [entry.pk])
    check_chain()
    login_verified(client, make_staff("supervisor"))
    page = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Log audit telah diubah" in page and f"entri {entry.pk}" in page


@pytest.mark.django_db(transaction=True)
def test_migration_links_entries_written_before_the_chain():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("audit")
    executor.migrate([("audit", "0002_append_only_triggers")])
    old_apps = executor.loader.project_state([("audit", "0002_append_only_triggers")]).apps
    OldEntry = old_apps.get_model("audit", "AuditEntry")
    for i in range(3):
        OldEntry.objects.create(action="view", object_type="resident", object_id=f"727108170890000{i}", details={"x": [i, 1.0]})
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
        entries = list(AuditEntry.objects.order_by("seq"))
        assert [e.seq for e in entries] == [1, 2, 3] and entries[0].prev_hash == chain.GENESIS
        assert chain.verify().ok and AuditChainHead.objects.get().last_seq == 3
        # The append-only trigger is back after the backfill.
        from django.db import DatabaseError, transaction

        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditentry SET action = 'update' WHERE id = %s", [entries[0].pk])
        later = record(None, "view", object_type="resident")  # autocommit: linked at once
        assert AuditEntry.objects.get(pk=later.pk).seq == 4 and chain.verify().ok
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_starting_consumer_checks_only_when_the_last_check_is_stale():
    from adminduk.audit import tasks

    three_entries()
    assert tasks.verify_chain_if_stale.call_local() is True  # never checked
    assert tasks.verify_chain_if_stale.call_local() is None  # checked just now
    AuditCheck.objects.update(checked_at=timezone.now() - dt.timedelta(hours=27))
    assert tasks.verify_chain_if_stale.call_local() is True
    assert AuditCheck.objects.count() == 2


def test_one_link_per_commit_however_many_entries(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for i in range(5):
            record(None, "view", object_type="resident", object_id=f"727108170890000{i}")
    assert len(callbacks) == 1
    assert not AuditEntry.objects.filter(seq__isnull=True).exists() and chain.verify().ok
