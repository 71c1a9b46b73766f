"""The pair indexes behind the admin's search of households and residents (communities.search
``row_part``): one per table over its searched columns joined, on PostgreSQL only. The columns
are the models' ``search_columns`` of this migration's day."""

from django.db import migrations

from communities.search import postgresql_only, row_index_sql

HOUSEHOLD = row_index_sql(
    "communities_household",
    (
        "building",
        "room",
        "head_name",
        "head_phone",
        "head_id_number",
        "landlord_name",
        "landlord_phone",
    ),
)
RESIDENT = row_index_sql("communities_resident", ("name", "id_number", "phone"))


class Migration(migrations.Migration):
    dependencies = [("communities", "0011_resident_registered_index")]

    operations = [
        migrations.RunPython(
            postgresql_only(HOUSEHOLD[0], RESIDENT[0]),
            postgresql_only(HOUSEHOLD[1], RESIDENT[1]),
            elidable=False,
        )
    ]
