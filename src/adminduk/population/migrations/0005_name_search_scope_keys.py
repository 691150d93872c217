"""Name search narrowed inside the index: name words per jurisdiction, and the birth year.

Until now the name index (0003) found every resident of the kota with a matching name, and
the database then checked each against the operator's kecamatan and the birth year: a common
name word is thousands of rows at a million residents, most of them thrown away. Now every
resident's index entry also holds each name word prefixed by the resident's kab/kota and by
the kecamatan, and the birth year, in keys that no plain name word can equal:

    ~r<kab/kota>~<word>   ~k<kecamatan>~<word>   ~y<birth year>

so the index reads only the postings of the operator's own kecamatan (a composite index of
jurisdiction and word), and intersects them with the birth year.

- PostgreSQL: the GIN index is on adminduk_name_keys(full_name, kelurahan_id, birth_date): the
  name words (adminduk_name_words), then '~r72.71~siti', '~k72.71.08~siti', ..., '~y1983'.
- SQLite: the FTS5 table gains a `tags` column holding the keys without dots ('~r7271~siti
  ~k727108~siti ... ~y1983'); '~' is a token character there, and the name words never contain
  one. The triggers keep the keys in step when the name, the kelurahan (a move) or the birth
  date changes. The word table (population_name_word) is unchanged.
"""

from django.db import migrations

_TOKENIZE = "tokenize=\"unicode61 remove_diacritics 2 tokenchars '~'\""


def _words_statements():
    from importlib import import_module

    return import_module("adminduk.population.migrations.0003_resident_name_search")


_OLD = _words_statements()


def sqlite_tags_of(row: str) -> str:
    """SQL: the index keys of resident `row` ("new", "old" or a table alias) on SQLite."""
    regency = f"replace(substr({row}.kelurahan_id, 1, 5), '.', '')"
    kecamatan = f"replace(substr({row}.kelurahan_id, 1, 8), '.', '')"
    return (
        f"coalesce((SELECT group_concat('~r' || {regency} || '~' || w.value || ' ~k' || {kecamatan} || '~' || w.value, ' ') "
        f"FROM {_OLD._words_of(row + '.full_name')} w WHERE w.value <> ''), '') || ' ~y' || substr({row}.birth_date, 1, 4)"
    )


SQLITE_FTS_TABLE = (
    f"CREATE VIRTUAL TABLE population_resident_name USING fts5(full_name, tags, content='', detail=none, columnsize=0, {_TOKENIZE})"
)
SQLITE_INSERT_TRIGGER = (
    "CREATE TRIGGER population_resident_name_ai AFTER INSERT ON population_resident BEGIN "
    f"INSERT INTO population_resident_name (rowid, full_name, tags) VALUES (new.rowid, new.full_name, {sqlite_tags_of('new')});"
    f"{_OLD._add_words('new.full_name')} END"
)
SQLITE_FILL = (
    f"INSERT INTO population_resident_name (rowid, full_name, tags) SELECT r.rowid, r.full_name, {sqlite_tags_of('r')} "
    "FROM population_resident r"
)
SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS population_resident_name_au",
    "DROP TRIGGER IF EXISTS population_resident_name_ad",
    "DROP TRIGGER IF EXISTS population_resident_name_ai",
    "DROP TABLE IF EXISTS population_resident_name",
    SQLITE_FTS_TABLE,
    SQLITE_INSERT_TRIGGER,
    "CREATE TRIGGER population_resident_name_ad AFTER DELETE ON population_resident BEGIN "
    "INSERT INTO population_resident_name (population_resident_name, rowid, full_name, tags) "
    f"VALUES ('delete', old.rowid, old.full_name, {sqlite_tags_of('old')});"
    f"{_OLD._remove_words('old.full_name')} END",
    "CREATE TRIGGER population_resident_name_au AFTER UPDATE OF full_name, kelurahan_id, birth_date ON population_resident "
    "WHEN old.full_name IS NOT new.full_name OR old.kelurahan_id IS NOT new.kelurahan_id OR old.birth_date IS NOT new.birth_date "
    "BEGIN INSERT INTO population_resident_name (population_resident_name, rowid, full_name, tags) "
    f"VALUES ('delete', old.rowid, old.full_name, {sqlite_tags_of('old')});"
    f"INSERT INTO population_resident_name (rowid, full_name, tags) VALUES (new.rowid, new.full_name, {sqlite_tags_of('new')}); END",
    "CREATE TRIGGER population_name_word_au AFTER UPDATE OF full_name ON population_resident "
    "WHEN old.full_name IS NOT new.full_name BEGIN "
    f"{_OLD._remove_words('old.full_name')}{_OLD._add_words('new.full_name')} END",
    SQLITE_FILL,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS population_name_word_au",
    "DROP TRIGGER IF EXISTS population_resident_name_au",
    "DROP TRIGGER IF EXISTS population_resident_name_ad",
    "DROP TRIGGER IF EXISTS population_resident_name_ai",
    "DROP TABLE IF EXISTS population_resident_name",
    "DELETE FROM population_name_word",
    *_OLD.SQLITE_FORWARD[:1],
    *_OLD.SQLITE_FORWARD[2:],
]

POSTGRES_FORWARD = [
    "CREATE FUNCTION adminduk_name_keys(name text, kelurahan text, birth date) RETURNS text[] LANGUAGE sql IMMUTABLE "
    "PARALLEL SAFE AS $$ SELECT w || ARRAY(SELECT '~r' || left(kelurahan, 5) || '~' || x FROM unnest(w) AS x) "
    "|| ARRAY(SELECT '~k' || left(kelurahan, 8) || '~' || x FROM unnest(w) AS x) "
    "|| ARRAY['~y' || date_part('year', birth)::int::text] FROM (SELECT adminduk_name_words(name) AS w) AS words $$",
    "CREATE INDEX resident_name_keys_idx ON population_resident USING gin (adminduk_name_keys(full_name, kelurahan_id, birth_date))",
    "DROP INDEX IF EXISTS resident_name_words_idx",
]
POSTGRES_BACKWARD = [
    "CREATE INDEX resident_name_words_idx ON population_resident USING gin (adminduk_name_words(full_name))",
    "DROP INDEX IF EXISTS resident_name_keys_idx",
    "DROP FUNCTION IF EXISTS adminduk_name_keys(text, text, date)",
]


_run = _OLD._run  # runs the statements of the connection's vendor


class Migration(migrations.Migration):
    dependencies = [
        ("population", "0004_alter_serialcounter_options_alter_family_created_at_and_more"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        ),
    ]
