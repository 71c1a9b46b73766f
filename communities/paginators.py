"""Counting long lists (issue 14): the exact count up to ``EXACT_COUNT_MAX`` rows; above it,
PostgreSQL's planner estimate of the same query, which costs a plan instead of a scan of a
million rows (an exact ``COUNT(*)`` over a province's households took 3 s on every page).

Up to the limit a list is counted exactly, with a ``LIMIT`` so that a long one is not read to
its end; above it the pages say "about" before the estimated count. An estimated list takes any
page number and offers "next" while a page comes back full, so an estimate that is low never
hides rows; one that is high may show an empty page past the end. SQLite (the embedded
database) always counts exactly.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


def planned_rows(queryset: QuerySet) -> int | None:
    """The planner's estimate of the rows ``queryset`` returns, or None (not PostgreSQL)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedPage(Page):
    def has_next(self) -> bool:
        if self.paginator.estimated:  # the count is a guess: a full page may have a next one
            return len(self.object_list) == self.paginator.per_page
        return super().has_next()


class EstimatedCountPaginator(Paginator):
    """A paginator whose count of a long queryset is the planner's estimate (``estimated``).

    On PostgreSQL it counts at most ``EXACT_COUNT_MAX + 1`` rows (``COUNT(*)`` over a
    ``LIMIT``: one statement, as a plain count, for every list that is not long); only a list
    past the limit asks the planner, and shows the larger of its estimate and the limit."""

    estimated = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet) and connections[rows.db].vendor == "postgresql":
            limit = settings.EXACT_COUNT_MAX
            bounded = rows.order_by()[: limit + 1].count()
            if bounded <= limit:
                return bounded
            self.estimated = True
            return max(planned_rows(rows) or 0, bounded)
        return super().count

    def validate_number(self, number):
        if not self.count or not self.estimated:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number  # past the estimated last page too: the estimate may be low

    def page(self, number):
        number = self.validate_number(number)
        if not self.estimated:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)

    def _get_page(self, *args, **kwargs):
        return EstimatedPage(*args, **kwargs)
