"""The planner's statistics on the searched texts (``inspections.0012``, ``communities.0013``):
on PostgreSQL it estimates how many hazards a word finds from the texts themselves. Without
them it guessed a handful for a word in half the hazards, and sorted every match for a page."""

import datetime

import pytest
from django.db import connection

from inspections.models import Hazard

pytestmark = pytest.mark.django_db


def estimated_rows(queryset) -> int:
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        return cursor.fetchone()[0][0]["Plan"]["Plan Rows"]


def test_a_common_word_is_estimated_from_the_hazards_texts(city):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's statistics: SQLite has no such statistics to read")
    compound = city.compounds["A1"]
    Hazard.objects.bulk_create(
        Hazard(
            compound=compound,
            source="other",
            category="fire",
            description=f"第{n}号楼{'消防通道堆物' if n % 2 else '楼道灯损坏'}",
            responsible_party=f"责任人{n}",
            deadline=datetime.date(2026, 12, 31),
        )
        for n in range(400)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT stxname FROM pg_statistic_ext ORDER BY stxname")
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("ANALYZE inspections_hazard")
    assert {"inspections_hazard_search", "communities_compound_search"} <= names
    common = estimated_rows(Hazard.objects.filter(description__icontains="消防"))
    rare = estimated_rows(Hazard.objects.filter(description__icontains="甲一"))
    assert 100 <= common <= 400  # 200 in fact; without the statistics: 2
    assert rare < common / 10
