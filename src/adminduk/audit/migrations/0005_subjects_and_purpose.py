"""Whose data an audit entry is about (subject NIK / KK) and why it was read (purpose), filled
at write time so a resident's data tracker is an index lookup (subject, time).

The columns are nullable so SQLite adds them in place (no table rebuild, which would drop the
append-only trigger) and so every existing entry keeps its hash (audit.chain leaves None out).
The UPDATE trigger of 0004 lists the content columns that linking must leave unchanged; it is
recreated here with the three new ones, so the chain linker cannot set or change them either.
"""

from django.conf import settings
from django.db import migrations, models

import importlib

previous = importlib.import_module("adminduk.audit.migrations.0004_chain_backfill")

NEW_COLUMNS = ("subject_nik", "subject_kk", "purpose")


def _triggers(columns):
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    sqlite = f"""
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
WHEN OLD.seq IS NOT NULL OR NEW.seq IS NULL OR {changed}
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (UPDATE refused)'); END;
"""
    new, old = ", ".join(f"NEW.{c}" for c in columns), ", ".join(f"OLD.{c}" for c in columns)
    postgres = f"""
CREATE OR REPLACE FUNCTION audit_entry_link_only() RETURNS trigger AS $$
BEGIN
    IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND ROW({new}) IS NOT DISTINCT FROM ROW({old}) THEN
        RETURN NEW;  -- linking an entry into the hash chain, once
    END IF;
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
    return sqlite, postgres


def _install(columns):
    def run(apps, schema_editor):
        sqlite, postgres = _triggers(columns)
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(postgres, None)  # the trigger calls the function by name
        elif vendor == "sqlite":
            schema_editor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
            schema_editor.execute(sqlite)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_alter_certification_created_at_and_more'),
        ('audit', '0004_chain_backfill'),
        ('offices', '0003_alter_closedday_created_at_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Reversed last: should dropping a column rebuild the SQLite table, the trigger is back.
        migrations.RunPython(migrations.RunPython.noop, _install(previous.CONTENT_COLUMNS), elidable=False),
        migrations.AddField(
            model_name='auditentry',
            name='purpose',
            field=models.CharField(blank=True, choices=[('recording', 'e-KTP recording'), ('pickup', 'card pickup'), ('application', 'application'), ('correction', 'data correction'), ('complaint', 'complaint'), ('police_investigation', 'police investigation'), ('court_order', 'court order'), ('system', 'automatic processing')], max_length=24, null=True, verbose_name='purpose'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='subject_kk',
            field=models.CharField(blank=True, max_length=16, null=True, verbose_name='KK number concerned'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='subject_nik',
            field=models.CharField(blank=True, max_length=16, null=True, verbose_name='NIK concerned'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('view', 'view'), ('search', 'search'), ('create', 'create'), ('update', 'update'), ('export', 'export'), ('denied', 'access denied'), ('login', 'login'), ('login_failed', 'failed login'), ('logout', 'logout'), ('delete', 'delete')], db_index=True, max_length=12, verbose_name='action'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['subject_nik', 'at', 'id'], name='audit_subject_nik_at'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['subject_kk', 'at', 'id'], name='audit_subject_kk_at'),
        ),
        # Reversed first: the trigger must stop naming the columns before SQLite drops them.
        migrations.RunPython(_install(previous.CONTENT_COLUMNS + NEW_COLUMNS), _install(previous.CONTENT_COLUMNS), elidable=False),
    ]
