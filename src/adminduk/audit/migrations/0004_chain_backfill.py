"""Link the entries written before the hash chain existed (in id order), create the chain
head, and let the database allow the one update the chain needs.

From here on the UPDATE trigger refuses every update of an entry but one: setting the chain
fields (seq, prev_hash, entry_hash) of an entry that has none yet, with every other column
unchanged (audit.chain.link_pending does that right after the entry's commit). The 0002
trigger refuses that too, so it is set aside for the backfill: disabled on PostgreSQL (the
migration runs as the table's owner), dropped on SQLite (its table rebuild in 0003 dropped it
anyway). The chain head gets a trigger too: its position never goes back, and on PostgreSQL its
row cannot be deleted.
"""

from django.db import migrations

from adminduk.audit import chain

CONTENT_COLUMNS = (
    "id", "at", "device_time", "actor_id", "actor_username", "actor_role", "office_id", "station_id", "ip_address",
    "user_agent", "action", "object_type", "object_id", "kecamatan_code", "path", "details",
)  # fmt: skip
SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT_COLUMNS)
SQLITE_ENTRY_TRIGGER = f"""
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
WHEN OLD.seq IS NOT NULL OR NEW.seq IS NULL OR {SQLITE_CHANGED}
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (UPDATE refused)'); END;
"""
POSTGRES_NEW = ", ".join(f"NEW.{c}" for c in CONTENT_COLUMNS)
POSTGRES_OLD = ", ".join(f"OLD.{c}" for c in CONTENT_COLUMNS)
POSTGRES_ENTRY_TRIGGER = f"""
CREATE OR REPLACE FUNCTION audit_entry_link_only() RETURNS trigger AS $$
BEGIN
    IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND ROW({POSTGRES_NEW}) IS NOT DISTINCT FROM ROW({POSTGRES_OLD}) THEN
        RETURN NEW;  -- linking an entry into the hash chain, once
    END IF;
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry;
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry FOR EACH ROW EXECUTE FUNCTION audit_entry_link_only();
"""
POSTGRES_ENTRY_TRIGGER_DOWN = """
DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry;
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry FOR EACH ROW EXECUTE FUNCTION audit_append_only();
DROP FUNCTION IF EXISTS audit_entry_link_only();
"""
SQLITE_HEAD_TRIGGER = """
CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_auditchainhead
WHEN NEW.last_seq < OLD.last_seq
BEGIN SELECT RAISE(ABORT, 'the audit chain head never goes back'); END;
"""
POSTGRES_HEAD_TRIGGERS = """
CREATE OR REPLACE FUNCTION audit_chain_head_forward() RETURNS trigger AS $$
BEGIN
    IF NEW.last_seq < OLD.last_seq THEN
        RAISE EXCEPTION 'the audit chain head never goes back' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_auditchainhead FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward();
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_auditchainhead FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""
POSTGRES_HEAD_TRIGGERS_DOWN = """
DROP TRIGGER IF EXISTS audit_chain_head_forward ON audit_auditchainhead;
DROP TRIGGER IF EXISTS audit_chain_head_no_delete ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_chain_head_forward();
"""


def backfill(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
    previous, seq, batch = chain.GENESIS, 0, []
    for entry in AuditEntry.objects.filter(seq__isnull=True).order_by("id").iterator(chunk_size=2000):
        seq += 1
        entry.seq, entry.prev_hash = seq, previous
        entry.details = chain.canonical_details(entry.details)
        entry.entry_hash = previous = chain.entry_hash(entry)
        batch.append(entry)
        if len(batch) >= 1000:
            AuditEntry.objects.bulk_update(batch, ["seq", "prev_hash", "entry_hash", "details"])
            batch = []
    if batch:
        AuditEntry.objects.bulk_update(batch, ["seq", "prev_hash", "entry_hash", "details"])
    AuditChainHead.objects.update_or_create(pk=chain.HEAD_ID, defaults={"last_seq": seq, "last_hash": previous})
    if vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_no_update")
        schema_editor.execute(POSTGRES_ENTRY_TRIGGER, None)
        schema_editor.execute(POSTGRES_HEAD_TRIGGERS, None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_ENTRY_TRIGGER)
        schema_editor.execute(SQLITE_HEAD_TRIGGER)


def unlink(apps, schema_editor):
    """Back to 0003: the hashes go with the columns in 0003's reversal; the triggers as before."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_HEAD_TRIGGERS_DOWN, None)
        schema_editor.execute(POSTGRES_ENTRY_TRIGGER_DOWN, None)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_chain_head_forward")
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
        schema_editor.execute(
            "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (UPDATE refused)'); END;"
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain")]

    operations = [migrations.RunPython(backfill, unlink)]
