"""``importing.inserting``: an import's new rows in one COPY on PostgreSQL (``bulk_create``
elsewhere), each given its id, the fields Django must prepare prepared, counted as a
statement like any other."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities import models as m
from communities.importing import inserting

pytestmark = pytest.mark.django_db


def entries(count: int, content_type) -> list[LogEntry]:
    return [
        LogEntry(
            content_type=content_type,
            object_pk=str(n),
            object_id=n,
            object_repr=f"小区{n}",
            action=LogEntry.Action.CREATE,
            changes={"name": [None, f"小区{n}"], "n": n},
            remote_addr="10.0.0.1",
            timestamp=timezone.now(),
            additional_data={"rows": n, "nested": {"ok": True}},
        )
        for n in range(count)
    ]


def test_rows_get_their_ids_and_fields_needing_preparation_are_prepared():
    content_type = ContentType.objects.get_for_model(m.Compound)
    new = entries(3, content_type)

    inserting.insert(LogEntry, new)

    assert all(entry.pk is not None and not entry._state.adding for entry in new)
    stored = {entry.pk: entry for entry in LogEntry.objects.filter(pk__in=[e.pk for e in new])}
    assert len(stored) == 3
    for entry in new:
        again = stored[entry.pk]
        # JSON and an IP address went through Django's preparation, not as Python objects.
        assert again.changes == {"name": [None, entry.object_repr], "n": entry.object_id}
        assert again.additional_data == {"rows": entry.object_id, "nested": {"ok": True}}
        assert again.remote_addr == "10.0.0.1"
        assert again.content_type_id == content_type.pk


def test_auto_now_fields_are_stamped_as_save_would():
    community = m.Community.objects.create(
        code="990000000001",
        name="试插入社区",
        street=m.Street.objects.create(
            code="990000001",
            name="试插入街道",
            district=m.District.objects.create(code="990000", name="试插入区"),
        ),
    )
    before = timezone.now()
    new = [m.Compound(code=f"INS{n}", name=f"插入{n}", community=community) for n in range(5)]

    inserting.insert(m.Compound, new)

    stored = m.Compound.objects.filter(code__startswith="INS")
    assert stored.count() == 5
    assert all(c.created_at >= before and c.updated_at >= before for c in stored)
    assert {c.pk for c in stored} == {c.pk for c in new}


def test_many_rows_are_two_statements_on_postgresql_and_batches_elsewhere():
    content_type = ContentType.objects.get_for_model(m.Compound)

    with CaptureQueriesContext(connection) as queries:
        inserting.insert(LogEntry, entries(1200, content_type))

    sqls = [q["sql"] for q in queries.captured_queries]
    if connection.vendor == "postgresql":
        assert len(sqls) == 2
        assert "nextval" in sqls[0]
        assert sqls[1].startswith('COPY "auditlog_logentry"')
    else:
        assert len(sqls) >= 3  # 500 rows a statement at most
        assert all(sql.startswith("INSERT") for sql in sqls)
    assert LogEntry.objects.filter(object_repr__startswith="小区").count() == 1200


def test_nothing_to_insert_sends_nothing():
    with CaptureQueriesContext(connection) as queries:
        inserting.insert(LogEntry, [])

    assert queries.captured_queries == []
