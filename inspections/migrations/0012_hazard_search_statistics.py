"""Statistics on the texts the hazard list searches (PostgreSQL 14+; nothing on SQLite).

Django's ``icontains`` compares ``UPPER(column)``; without statistics on that expression the
planner guessed a word found in half a province's hazards (消防) in about 100, and sorted all
50,000 of them for a page of 25 (0.34 s). With them it walks the list's order index and stops
at 25 (1 ms).
"""

from django.db import migrations

TEXTS = "(upper(description)), (upper(responsible_party::text))"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS inspections_hazard_search ON {TEXTS} "
        "FROM inspections_hazard"
    )
    schema_editor.execute("ANALYZE inspections_hazard")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS inspections_hazard_search")


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0013_compound_search_statistics"),
        ("inspections", "0011_inspection_period_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
