"""PostgreSQL: the application's own role may read the audit log and add to it, nothing more.
It cannot TRUNCATE, DELETE, UPDATE or set the triggers aside; migrations run as the owner."""

import io
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from adminduk.audit import chain, roles
from adminduk.audit.actions import record
from adminduk.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles exist on PostgreSQL only (DATABASE_URL=postgres://...)")


def refused(cursor, sql):
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        cursor.execute(sql)
    message = str(caught.value)
    assert any(reason in message for reason in ("permission denied", "must be owner", "append-only")), message


@pytest.mark.postgres_only
@on_postgres
def test_the_application_role_can_only_read_and_add_to_the_audit_log():
    entry = record(None, "view", object_type="resident", object_id="7271081708900001", kecamatan_code="72.71.08")
    role = f"adminduk_app_test_{uuid.uuid4().hex[:12]}"  # roles are cluster-wide; all of this is undone with the test's transaction
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    out = io.StringIO()
    call_command("audit", "grant-app-role", "--role", role, stdout=out)  # as the owner
    assert "only SELECT and INSERT" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"SET ROLE {role}")
        try:
            cursor.execute("SELECT count(*) FROM audit_auditentry")
            assert cursor.fetchone()[0] >= 1
            appended = record(None, "view", object_type="resident", object_id="7271081708900002")  # INSERT
            assert chain.link_pending() >= 1  # the chain columns and the head's UPDATE
            appended.refresh_from_db()
            assert appended.seq == AuditEntry.objects.exclude(pk=appended.pk).order_by("-seq").first().seq + 1
            refused(cursor, "TRUNCATE audit_auditentry")
            refused(cursor, f"DELETE FROM audit_auditentry WHERE id = {entry.pk}")
            refused(cursor, f"UPDATE audit_auditentry SET object_id = 'x' WHERE id = {entry.pk}")
            refused(cursor, f"UPDATE audit_auditentry SET entry_hash = 'x' WHERE id = {appended.pk}")  # the trigger: linked once
            refused(cursor, "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update")
            refused(cursor, "ALTER TABLE audit_auditentry DISABLE TRIGGER ALL")
            refused(cursor, "DROP TRIGGER audit_entry_no_delete ON audit_auditentry")
            refused(cursor, "TRUNCATE audit_auditchainhead")
            refused(cursor, "DELETE FROM audit_auditchainhead")
            refused(cursor, "ALTER TABLE audit_auditchainhead DISABLE TRIGGER ALL")
            refused(cursor, "DELETE FROM audit_auditcheck")
            # Mentions (residents shown by an entry): added with the entry, never changed.
            shown = record(None, "search", object_type="resident", object_id="budi", mentions=["7271081708900001"])  # INSERT
            refused(cursor, f"UPDATE audit_auditmention SET nik = '7271081708900002' WHERE entry_id = {shown.pk}")
            refused(cursor, f"DELETE FROM audit_auditmention WHERE entry_id = {shown.pk}")
            refused(cursor, "TRUNCATE audit_auditmention")
            # Other tables stay writable for the application.
            cursor.execute("SELECT count(*) FROM population_resident")
        finally:
            cursor.execute("RESET ROLE")
    assert AuditEntry.objects.filter(pk=entry.pk, object_id="7271081708900001").exists()
    assert chain.verify().ok


@pytest.mark.postgres_only
@on_postgres
def test_grant_refuses_a_role_that_owns_the_tables_or_does_not_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditentry'")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="owns the audit table"):
        call_command("audit", "grant-app-role", "--role", owner)
    with pytest.raises(CommandError, match="no role adminduk_nobody_here"):
        call_command("audit", "grant-app-role", "--role", "adminduk_nobody_here")


def test_grant_refuses_a_malformed_role_name_in_one_line():
    with pytest.raises(CommandError, match="lower-case letters") as caught:
        call_command("audit", "grant-app-role", "--role", "app; DROP TABLE x")
    assert "\n" not in str(caught.value)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite refusal")
def test_grant_on_sqlite_says_roles_are_postgresql_only():
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("audit", "grant-app-role", "--role", "adminduk_app")


def test_the_deploy_script_shows_the_statements_the_command_runs():
    script = (ROOT / "deploy" / "postgres-roles.sql").read_text()
    for statement in roles.app_role_statements("adminduk_app"):
        assert f"--      {statement};" in script
