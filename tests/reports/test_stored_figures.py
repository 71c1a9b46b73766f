"""A report's figures written item by item and bound as a parameter (``reports.stored``): the
same JSON as ``json.dumps``, the same dict read back, on SQLite and PostgreSQL alike."""

import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.months import previous_month
from reports.models import MonthlyReport
from reports.stored import json_bytes, write_figures

FIGURES = {
    "level": "street",
    "built_on": "2026-12-01",
    "summary": {"self_checks_due": 12, "pass_rate": 87.5, "rectification_rate": None},
    "units": [
        {"id": 7, "name": "和平街道", "figures": {"cases": [1, 2, {"a": '引号"与\\反斜杠'}]}},
        {"id": 8, "name": "建设街道\n第二行", "figures": {"cases": []}},
    ],
    "by_id": {3: "three", 2.5: "two and a half", True: "yes", None: "none"},
    "deep": [[[[["五层", {"six": [6]}]]]]],
    "empty": {},
    "ratio": 0.1,
}


def test_the_json_is_what_json_dumps_writes_at_every_depth():
    expected = json.dumps(FIGURES, separators=(",", ":"), ensure_ascii=False).encode()
    for depth in range(0, 7):
        assert bytes(json_bytes(FIGURES, depth)) == expected
    assert json.loads(json_bytes(FIGURES)) == json.loads(expected)


@pytest.mark.django_db
def test_written_figures_read_back_whole_and_nothing_else_changes(city):
    month = previous_month(timezone.localdate())
    report = MonthlyReport.objects.create(district=city.district, month=month)
    other = MonthlyReport.objects.create(district=city.district, month=month, version=2)
    with CaptureQueriesContext(connection) as captured:
        write_figures(report.pk, json_bytes(FIGURES))
    if connection.vendor == "postgresql":  # bound, never quoted into Django's statements
        assert captured.captured_queries == []
    report.refresh_from_db()
    assert report.figures == json.loads(json.dumps(FIGURES))
    assert report.figures["units"][0]["name"] == "和平街道"
    other.refresh_from_db()
    assert other.figures == {}


@pytest.mark.django_db
def test_a_refused_write_raises_djangos_error_and_changes_nothing(city):
    report = MonthlyReport.objects.create(
        district=city.district, month=previous_month(timezone.localdate()), figures={"kept": 1}
    )
    with pytest.raises(DatabaseError), transaction.atomic():  # what the task retries or fails
        write_figures(report.pk, bytearray(b'{"not json'))
    report.refresh_from_db()
    assert report.figures == {"kept": 1}
