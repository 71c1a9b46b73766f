"""The function behind the pair indexes of searched texts (communities.search), on
PostgreSQL only."""

from django.db import migrations

from communities.search import CREATE_FUNCTION, DROP_FUNCTION, postgresql_only


class Migration(migrations.Migration):
    dependencies = [("communities", "0008_residents")]

    operations = [
        migrations.RunPython(
            postgresql_only(CREATE_FUNCTION), postgresql_only(DROP_FUNCTION), elidable=False
        )
    ]
