"""Residents' mobile numbers (sign-in codes, appointment messages).

Added with a plain ALTER TABLE ... ADD COLUMN on both databases: Django's own AddField rebuilds
the whole table on SQLite for a NOT NULL column, which would drop the name-search triggers of
0003 and renumber the rowids its FTS5 index is keyed by. The column keeps its '' default in the
database, so writers that do not name it (COPY, executemany) store an empty number."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("population", "0007_former_areas_from_history"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="resident",
                    name="phone",
                    field=models.CharField(blank=True, max_length=16, verbose_name="mobile phone number"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE population_resident ADD COLUMN phone varchar(16) DEFAULT '' NOT NULL",
                    "ALTER TABLE population_resident DROP COLUMN phone",
                ),
            ],
        ),
    ]
