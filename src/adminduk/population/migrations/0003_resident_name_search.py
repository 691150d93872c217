"""Indexed name search (adminduk.population.search).

PostgreSQL: a GIN index on the normalized words of full_name (adminduk_name_words), and a
table of the distinct name words with a GIN trigram index (pg_trgm) to expand a query word to
the registry's words within a typo; statement-level triggers keep the word table in step with
every writer, COPY included.

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
        f"SELECT DISTINCT value, 1 FROM {_words_of(column)} WHERE value <> '' AND true "
        "ON CONFLICT (word) DO UPDATE SET residents = residents + 1;"
    )


def _remove_words(column: str) -> str:
    return (
        "UPDATE population_name_word SET residents = residents - 1 "
        f"WHERE word IN (SELECT value FROM {_words_of(column)} WHERE value <> '');"
        "DELETE FROM population_name_word WHERE residents <= 0;"
    )


# The insert trigger by itself: the generator's bulk path (population.name_index) drops it for
# the length of one chunk's transaction and fills the index in two statements instead.
SQLITE_INSERT_TRIGGER = (
    "CREATE TRIGGER population_resident_name_ai AFTER INSERT ON population_resident BEGIN "
    "INSERT INTO population_resident_name (rowid, full_name) VALUES (new.rowid, new.full_name);"
    f"{_add_words('new.full_name')} END"
)


def sqlite_words_of(column: str) -> str:
    """SQL: the words of `column` as the index splits them (a json_each table source)."""
    return _words_of(column)


SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE population_resident_name USING fts5("
    "full_name, content='', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 2')",
    "CREATE TABLE population_name_word (word TEXT NOT NULL PRIMARY KEY, residents INTEGER NOT NULL) WITHOUT ROWID",
    SQLITE_INSERT_TRIGGER,
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
    "INSERT INTO population_name_word (word, residents) SELECT w.value, count(DISTINCT r.rowid) FROM population_resident r, "
    f"{_words_of('r.full_name')} w WHERE w.value <> '' GROUP BY w.value",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS population_resident_name_au",
    "DROP TRIGGER IF EXISTS population_resident_name_ad",
    "DROP TRIGGER IF EXISTS population_resident_name_ai",
    "DROP TABLE IF EXISTS population_name_word",
    "DROP TABLE IF EXISTS population_resident_name",
]
# Accented Latin letters the registry may hold, folded as population.search.normalize_name does.
_ACCENTED, _PLAIN = "àáâãäåèéêëìíîïòóôõöùúûüýÿçñ", "aaaaaaeeeeiiiiooooouuuuyycn"
_POSTGRES_WORDS_OF = "unnest(adminduk_name_words({rows}.full_name)) AS word"
POSTGRES_FORWARD = [
    # The words of a name as normalize_name splits them; immutable, so it can be indexed.
    "CREATE FUNCTION adminduk_name_words(name text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    f"SELECT array_remove(regexp_split_to_array(translate(lower(name), '{_ACCENTED}', '{_PLAIN}'), '[^a-z0-9]+'), '') $$",
    "CREATE INDEX resident_name_words_idx ON population_resident USING gin (adminduk_name_words(full_name))",
    "CREATE TABLE population_name_word (word text PRIMARY KEY, residents integer NOT NULL)",
    "CREATE INDEX population_name_word_trgm_idx ON population_name_word USING gin (word gin_trgm_ops)",
    # Statement-level triggers with transition tables: one upsert per COPY or bulk insert, with
    # the words in a fixed order so that concurrent writers never deadlock.
    "CREATE FUNCTION adminduk_name_words_added() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO population_name_word AS w (word, residents) "
    f"SELECT word, count(DISTINCT new_rows.id) FROM new_rows, {_POSTGRES_WORDS_OF.format(rows='new_rows')} GROUP BY word ORDER BY word "
    "ON CONFLICT (word) DO UPDATE SET residents = w.residents + excluded.residents; RETURN NULL; END $$",
    "CREATE FUNCTION adminduk_name_words_removed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE population_name_word AS w SET residents = w.residents - d.n FROM (SELECT word, count(DISTINCT old_rows.id) AS n "
    f"FROM old_rows, {_POSTGRES_WORDS_OF.format(rows='old_rows')} GROUP BY word) AS d WHERE w.word = d.word; "
    "DELETE FROM population_name_word WHERE residents <= 0; RETURN NULL; END $$",
    "CREATE FUNCTION adminduk_name_words_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE population_name_word AS w SET residents = w.residents - d.n FROM (SELECT word, count(DISTINCT id) AS n "
    "FROM old_rows JOIN new_rows USING (id), unnest(adminduk_name_words(old_rows.full_name)) AS word "
    "WHERE old_rows.full_name IS DISTINCT FROM new_rows.full_name GROUP BY word) AS d WHERE w.word = d.word; "
    "INSERT INTO population_name_word AS w (word, residents) SELECT word, count(DISTINCT id) "
    "FROM old_rows JOIN new_rows USING (id), unnest(adminduk_name_words(new_rows.full_name)) AS word "
    "WHERE old_rows.full_name IS DISTINCT FROM new_rows.full_name GROUP BY word ORDER BY word "
    "ON CONFLICT (word) DO UPDATE SET residents = w.residents + excluded.residents; "
    "DELETE FROM population_name_word WHERE residents <= 0; RETURN NULL; END $$",
    "CREATE FUNCTION adminduk_name_words_truncated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "TRUNCATE population_name_word; RETURN NULL; END $$",
    "CREATE TRIGGER population_name_word_ai AFTER INSERT ON population_resident REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION adminduk_name_words_added()",
    "CREATE TRIGGER population_name_word_ad AFTER DELETE ON population_resident REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION adminduk_name_words_removed()",
    "CREATE TRIGGER population_name_word_au AFTER UPDATE ON population_resident "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION adminduk_name_words_changed()",
    "CREATE TRIGGER population_name_word_at AFTER TRUNCATE ON population_resident "
    "FOR EACH STATEMENT EXECUTE FUNCTION adminduk_name_words_truncated()",
    # Residents stored before this migration.
    "INSERT INTO population_name_word (word, residents) SELECT word, count(DISTINCT population_resident.id) FROM population_resident, "
    f"{_POSTGRES_WORDS_OF.format(rows='population_resident')} GROUP BY word",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS population_name_word_at ON population_resident",
    "DROP TRIGGER IF EXISTS population_name_word_au ON population_resident",
    "DROP TRIGGER IF EXISTS population_name_word_ad ON population_resident",
    "DROP TRIGGER IF EXISTS population_name_word_ai ON population_resident",
    "DROP FUNCTION IF EXISTS adminduk_name_words_truncated()",
    "DROP FUNCTION IF EXISTS adminduk_name_words_changed()",
    "DROP FUNCTION IF EXISTS adminduk_name_words_removed()",
    "DROP FUNCTION IF EXISTS adminduk_name_words_added()",
    "DROP TABLE IF EXISTS population_name_word",
    "DROP INDEX IF EXISTS resident_name_words_idx",
    "DROP FUNCTION IF EXISTS adminduk_name_words(text)",
]


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
