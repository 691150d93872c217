"""PostgreSQL: the application's own role may add to the audit log and read it, nothing more.

Migrations run as the owner of the tables (e.g. `adminduk_owner`); the web processes and task
workers connect as a separate role (e.g. `adminduk_app`) that owns nothing. Only the owner (or
a superuser) can TRUNCATE, ALTER TABLE … DISABLE TRIGGER or DROP TRIGGER; the statements below
give the application's role ordinary rights on every table and then take back from the audit
tables (the entries, their mentions, the checks) everything but SELECT and INSERT, plus what
linking a new entry into the hash chain needs: UPDATE of the entry's three chain columns (its trigger allows that once, on an unlinked
entry, with nothing else changed) and UPDATE of the chain head (its trigger refuses a step
back).
"""

import re

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
INSERT_ONLY_TABLES = ("audit_auditentry", "audit_auditcheck", "audit_auditmention")
HEAD_TABLE = "audit_auditchainhead"


def app_role_statements(role: str, schema: str = "public") -> list[str]:
    """The GRANT/REVOKE statements, run by the owner after every `adminduk migrate`."""
    if not ROLE_NAME.match(role) or not ROLE_NAME.match(schema):
        raise ValueError(f"{role!r} / {schema!r}: use lower-case letters, digits and _ (at most 63)")
    insert_only = ", ".join(f"{schema}.{table}" for table in INSERT_ONLY_TABLES)
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        # Tables and sequences that later migrations create (by the role running this: the owner).
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        f"REVOKE ALL ON {insert_only} FROM {role}",
        f"GRANT SELECT, INSERT ON {insert_only} TO {role}",
        # Linking a new entry into the chain sets these three once (the trigger refuses more).
        f"GRANT UPDATE (seq, prev_hash, entry_hash) ON {schema}.{INSERT_ONLY_TABLES[0]} TO {role}",
        f"REVOKE ALL ON {schema}.{HEAD_TABLE} FROM {role}",
        f"GRANT SELECT, UPDATE ON {schema}.{HEAD_TABLE} TO {role}",
    ]


def grant_app_role(connection, role: str, schema: str = "public") -> None:
    """Apply `app_role_statements` as the connected role (the tables' owner). Refuses when the
    application's role owns the audit table itself: then nothing could stop it."""
    statements = app_role_statements(role, schema)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE schemaname = %s AND tablename = %s", [schema, INSERT_ONLY_TABLES[0]])
        row = cursor.fetchone()
        if row is None:
            raise ValueError(f"no table {schema}.{INSERT_ONLY_TABLES[0]}: run `adminduk migrate` as the owner first")
        if row[0] == role:
            raise ValueError(f"{role} owns the audit table; the application must connect as a role that owns nothing")
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise ValueError(f"no role {role}: create it first (deploy/postgres-roles.sql)")
        for statement in statements:
            cursor.execute(statement)
