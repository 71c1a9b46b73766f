"""Statistics on the compound texts that lists search (PostgreSQL 14+; nothing on SQLite).

Django's ``icontains`` compares ``UPPER(column)``: without statistics on that expression the
planner guesses a handful of matches for any word, and for a common one (花园, 消防) it sorted
every match instead of walking a list's order index (``inspections.0012`` does the same for the
hazards' own texts).
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE STATISTICS IF NOT EXISTS communities_compound_search "
        "ON (upper(name::text)), (upper(code::text)) FROM communities_compound"
    )
    schema_editor.execute("ANALYZE communities_compound")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS communities_compound_search")


class Migration(migrations.Migration):
    dependencies = [("communities", "0012_register_search_pairs")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
