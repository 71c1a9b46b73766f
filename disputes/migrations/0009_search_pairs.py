"""The searched texts of the case list (number, description) get a pair index on PostgreSQL
(communities.search)."""

from django.db import migrations

from communities.search import pair_index_sql, postgresql_only

INDEXES = [pair_index_sql("disputes_disputecase", column) for column in ("number", "description")]


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0009_text_pairs_function"),
        ("disputes", "0008_list_order_index"),
    ]

    operations = [
        migrations.RunPython(
            # ANALYZE: the planner's estimates of the new index's expression, at once
            postgresql_only(*(create for create, _drop in INDEXES), "ANALYZE disputes_disputecase"),
            postgresql_only(*(drop for _create, drop in INDEXES)),
        )
    ]
