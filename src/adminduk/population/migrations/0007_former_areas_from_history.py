"""FormerArea rows for the moves already in the history (ResidentEvent.changes["kelurahan"])."""

from django.db import migrations


def forward(apps, schema_editor):
    ResidentEvent = apps.get_model("population", "ResidentEvent")
    FormerArea = apps.get_model("population", "FormerArea")
    events = ResidentEvent.objects.filter(changes__has_key="kelurahan").order_by("recorded_at", "id")
    for resident_id, changes, occurred_on in events.values_list("resident_id", "changes", "occurred_on").iterator():
        old, new = (changes.get("kelurahan") or [None, None])[:2]
        if old and str(old)[:8] != str(new or "")[:8]:
            FormerArea.objects.get_or_create(
                resident_id=resident_id, kecamatan=str(old)[:8], defaults={"regency": str(old)[:5], "left_on": occurred_on}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("population", "0006_resident_family_cursor_indexes_former_area"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
