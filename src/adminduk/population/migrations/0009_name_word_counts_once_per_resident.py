"""The word table counts a resident once per word, also when a name repeats a word.

Until now the insert paths (SQLite's row trigger and bulk fill, PostgreSQL's statement
triggers) counted a word twice for a name such as "MUTIA SARI MUTIA", while SQLite's removal
counted it once: the rarity figures search ranks by drifted. The statements in 0003 count
distinct residents now; this migration puts the corrected triggers and functions in place on a
database that already ran 0003 and 0005, and recounts the table."""

from importlib import import_module

from django.db import migrations

_WORDS = import_module("adminduk.population.migrations.0003_resident_name_search")
_KEYS = import_module("adminduk.population.migrations.0005_name_search_scope_keys")

SQLITE = [
    "DROP TRIGGER IF EXISTS population_resident_name_ai",
    _KEYS.SQLITE_INSERT_TRIGGER,
    "DROP TRIGGER IF EXISTS population_name_word_au",
    next(sql for sql in _KEYS.SQLITE_FORWARD if sql.startswith("CREATE TRIGGER population_name_word_au")),
    "DELETE FROM population_name_word",
    _WORDS.SQLITE_FORWARD[-1],
]
POSTGRES = [
    *(sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1) for sql in _WORDS.POSTGRES_FORWARD
      if sql.startswith("CREATE FUNCTION adminduk_name_words_")),
    "DELETE FROM population_name_word",
    _WORDS.POSTGRES_FORWARD[-1],
]


class Migration(migrations.Migration):
    dependencies = [
        ("population", "0008_resident_phone"),
    ]

    operations = [
        migrations.RunPython(_WORDS._run({"sqlite": SQLITE, "postgresql": POSTGRES}), migrations.RunPython.noop, elidable=False),
    ]
