"""The name-search index (migration 0003) under bulk writes, and its rebuild.

On SQLite the index is kept by row triggers: each inserted resident costs an FTS5 insert and
an upsert per word into population_name_word, which makes a million-resident import several
times slower. `sqlite_bulk_insert` drops the insert trigger for the length of one bulk write,
then fills the FTS5 index and the word table for the new rows in two set-based statements and
recreates the trigger, all in the caller's transaction: SQLite's DDL is transactional, so a
failure (or a crash) rolls the trigger back with the rows, and other connections never see
the table without its trigger.

On PostgreSQL the word table's triggers are statement-level already (one upsert per COPY) and
the GIN index is the database's own: nothing to do in bulk.
"""

from contextlib import contextmanager
from importlib import import_module

from django.db import connection, transaction


def _words():
    return import_module("adminduk.population.migrations.0003_resident_name_search")


def _migration():
    return import_module("adminduk.population.migrations.0005_name_search_scope_keys")


@contextmanager
def sqlite_bulk_insert(cursor):
    """Inside a transaction on SQLite: residents inserted in the block reach the name index in
    bulk when it ends (rows added after the table's highest rowid at its start)."""
    if not connection.in_atomic_block:
        raise RuntimeError("sqlite_bulk_insert needs a transaction: the trigger must come back with the rows")
    migration = _migration()
    cursor.execute("SELECT coalesce(max(rowid), 0) FROM population_resident")
    start = int(cursor.fetchone()[0])
    cursor.execute("DROP TRIGGER population_resident_name_ai")
    yield
    cursor.execute(f"{migration.SQLITE_FILL} WHERE r.rowid > %s", [start])
    cursor.execute(
        "INSERT INTO population_name_word (word, residents) SELECT w.value, count(DISTINCT r.rowid) FROM population_resident r, "
        f"{_words().sqlite_words_of('r.full_name')} w WHERE r.rowid > %s AND w.value <> '' GROUP BY w.value "
        "ON CONFLICT (word) DO UPDATE SET residents = residents + excluded.residents",
        [start],
    )
    cursor.execute(migration.SQLITE_INSERT_TRIGGER)


def rebuild_name_index() -> None:
    """Rebuild the word table (and on SQLite the FTS5 index) from population_resident, e.g.
    after a restore that bypassed the triggers. The SQLite index is keyed by rowid, which
    SQLite keeps across VACUUM for these tables; run this if a tool ever renumbered them."""
    words = _words()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM population_name_word")
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO population_resident_name (population_resident_name) VALUES ('delete-all')")
            cursor.execute(_migration().SQLITE_FILL)
            cursor.execute(words.SQLITE_FORWARD[-1])
        elif connection.vendor == "postgresql":
            cursor.execute(words.POSTGRES_FORWARD[-1])
