"""Indexed name search (adminduk.population.search).

PostgreSQL: the pg_trgm extension and a GIN trigram index on full_name (pg_trgm folds case
itself), used by the word-similarity operator `<%`.

SQLite: an FTS5 index of the name words (unicode61, diacritics folded, keyed by the resident
row's rowid) and a table of the distinct name words with the number of residents using each,
for typo-tolerant expansion of the query words. Triggers on population_resident keep both in
step with every writer: the actions, the generator's executemany, the node's pull.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The separators the FTS5 unicode61 tokenizer splits on that occur in Indonesian names; the
# word table splits on the same ones. Quotes and backslashes go too: the words travel as JSON.
_SEPARATORS = [".", ",", "'", "-", "/", "(", ")", '"', "\\", "\t", "\n", "\r"]


def _words_of(column: str) -> str:
    """SQL: the words of `column` as a JSON array (lowercased, separators as spaces)."""
    cleaned = column
    for separator in _SEPARATORS:
        literal = {"'": "''", "\t": "' || char(9) || '", "\n": "' || char(10) || '", "\r": "' || char(13) || '"}.get(
            separator, separator
        )
        cleaned = f"replace({cleaned}, '{literal}', ' ')"
    return f"json_each('[' || replace(json_quote(lower({cleaned})), ' ', '\",\"') || ']')"


def _add_words(column: str) -> str:
    return (
        "INSERT INTO population_name_word (word, residents) "
        f"SELECT value, 1 FROM {_words_of(column)} WHERE value <> '' AND true "
        "ON CONFLICT (word) DO UPDATE SET residents = residents + 1;"
    )


def _remove_words(column: str) -> str:
    return (
        "UPDATE population_name_word SET residents = residents - 1 "
        f"WHERE word IN (SELECT value FROM {_words_of(column)} WHERE value <> '');"
        "DELETE FROM population_name_word WHERE residents <= 0;"
    )


SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE population_resident_name USING fts5("
    "full_name, content='', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 2')",
    "CREATE TABLE population_name_word (word TEXT NOT NULL PRIMARY KEY, residents INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TRIGGER population_resident_name_ai AFTER INSERT ON population_resident BEGIN "
    "INSERT INTO population_resident_name (rowid, full_name) VALUES (new.rowid, new.full_name);"
    f"{_add_words('new.full_name')} END",
    "CREATE TRIGGER population_resident_name_ad AFTER DELETE ON population_resident BEGIN "
    "INSERT INTO population_resident_name (population_resident_name, rowid, full_name) "
    "VALUES ('delete', old.rowid, old.full_name);"
    f"{_remove_words('old.full_name')} END",
    "CREATE TRIGGER population_resident_name_au AFTER UPDATE OF full_name ON population_resident "
    "WHEN old.full_name IS NOT new.full_name BEGIN "
    "INSERT INTO population_resident_name (population_resident_name, rowid, full_name) "
    "VALUES ('delete', old.rowid, old.full_name);"
    "INSERT INTO population_resident_name (rowid, full_name) VALUES (new.rowid, new.full_name);"
    f"{_remove_words('old.full_name')}{_add_words('new.full_name')} END",
    # Residents stored before this migration.
    "INSERT INTO population_resident_name (rowid, full_name) SELECT rowid, full_name FROM population_resident",
    "INSERT INTO population_name_word (word, residents) SELECT w.value, count(*) FROM population_resident r, "
    f"{_words_of('r.full_name')} w WHERE w.value <> '' GROUP BY w.value",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS population_resident_name_au",
    "DROP TRIGGER IF EXISTS population_resident_name_ad",
    "DROP TRIGGER IF EXISTS population_resident_name_ai",
    "DROP TABLE IF EXISTS population_name_word",
    "DROP TABLE IF EXISTS population_resident_name",
]
POSTGRES_FORWARD = ["CREATE INDEX resident_name_trgm_idx ON population_resident USING gin (full_name gin_trgm_ops)"]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS resident_name_trgm_idx"]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("population", "0002_resident_kelurahan_covered_by_address_index"),
    ]

    operations = [
        TrigramExtension(),  # PostgreSQL only; a no-op elsewhere
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        ),
    ]
