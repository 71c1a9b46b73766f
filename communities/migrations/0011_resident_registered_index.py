"""The work list's "not registered": an index on (kind, registered_on), and on PostgreSQL the
statistics that tell the planner how few floating residents have no registration (without
them it takes ``registered_on IS NULL`` for the registered residents' majority and reads
every floating resident instead)."""

from django.db import migrations, models

from communities.search import postgresql_only

STATISTICS = "resident_kind_registered_stats"
CREATE = (
    f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (mcv) ON kind, registered_on "
    "FROM communities_resident",
    "ANALYZE communities_resident",
)
DROP = (f"DROP STATISTICS IF EXISTS {STATISTICS}",)


class Migration(migrations.Migration):
    dependencies = [("communities", "0010_resident_tallies")]

    operations = [
        migrations.AddIndex(
            model_name="resident",
            index=models.Index(fields=["kind", "registered_on"], name="resident_kind_registered"),
        ),
        migrations.RunPython(postgresql_only(*CREATE), postgresql_only(*DROP), elidable=False),
    ]
