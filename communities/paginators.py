"""Counting long lists (issue 14): the exact count up to ``EXACT_COUNT_MAX`` rows; above it,
PostgreSQL's planner estimate of the same query, which costs a plan instead of a scan of a
million rows (an exact ``COUNT(*)`` over a province's households took 3 s on every page).

Up to the limit a list is counted exactly, with a ``LIMIT`` so that a long one is not read to
its end; above it the pages say "about" before the estimated count. An estimated list takes any
page number and offers "next" while a page comes back full, so an estimate that is low never
hides rows; one that is high may show an empty page past the end. SQLite (the embedded
database) always counts exactly.

An estimated list serves the pages of its first ``LIST_DEPTH_MAX`` rows only: a page deeper
than that is its deepest page, marked ``capped`` so the page can ask for a filter, a search or
the other order. Reading page 10,000 of a million households skipped a million rows (3.6 s);
nobody pages that far, and every list sorts both ways. A deep page (``DEFERRED_FROM`` rows
skipped) reads its rows' ids first, then the rows: what a row computes (the admin's counts of
residents per household) is computed for the page only, not for every row skipped.
"""

from __future__ import annotations

import json
from math import ceil

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


#: From this many rows skipped, a page is read by its ids first (``_get_page``).
DEFERRED_FROM = 1_000


class EstimatedPage(Page):
    def has_next(self) -> bool:
        if self.paginator.estimated:  # the count is a guess: a full page may have a next one
            full = len(self.object_list) == self.paginator.per_page
            return full and self.number < self.paginator.deepest_page
        return super().has_next()  # the number of pages is capped for a long list


class EstimatedCountPaginator(Paginator):
    """A paginator whose count of a long queryset is the planner's estimate (``estimated``).

    On PostgreSQL it counts at most ``EXACT_COUNT_MAX + 1`` rows (``COUNT(*)`` over a
    ``LIMIT``: one statement, as a plain count, for every list that is not long); only a list
    past the limit asks the planner, and shows the larger of its estimate and the limit. A
    caller that already knows the count (a list whose figures count its rows) passes it as
    ``count`` and nothing is counted. A long list (estimated, or counted past the limit) serves
    its first ``deepest_page`` pages only."""

    estimated = False
    capped = False  # a page deeper than ``deepest_page`` was asked for

    def __init__(self, object_list, per_page, *args, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # the cached property, known

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet) and connections[rows.db].vendor == "postgresql":
            limit = settings.EXACT_COUNT_MAX
            # the rows' ids only: no annotation (a count per household …) computed to count
            bounded = rows.order_by().values("pk")[: limit + 1].count()
            if bounded <= limit:
                return bounded
            self.estimated = True
            return max(planned_rows(rows) or 0, bounded)
        return super().count

    @property
    def is_long(self) -> bool:
        return self.estimated or self.count > settings.EXACT_COUNT_MAX

    @property
    def deepest_page(self) -> int:
        return max(1, settings.LIST_DEPTH_MAX // self.per_page)

    def _all_pages(self) -> int:
        """Django's number of pages, uncapped (not ``super().num_pages``: a cached property,
        which would keep its value over this class's)."""
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return ceil(max(1, self.count - self.orphans) / self.per_page)

    @cached_property
    def num_pages(self) -> int:
        pages = self._all_pages()
        return min(pages, self.deepest_page) if self.is_long else pages

    def validate_number(self, number):
        if not self.count or not self.is_long:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > self.deepest_page:
            self.capped = True
            return self.deepest_page
        if number > self._all_pages() and not self.estimated:
            raise EmptyPage(self.error_messages["no_results"])
        return number  # past the estimated last page too: the estimate may be low

    def page(self, number):
        number = self.validate_number(number)
        if not self.estimated:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet) and object_list.query.low_mark >= DEFERRED_FROM:
            # A deep page: the ids first (the rows skipped are read from the indexes, with
            # nothing computed for them), then the page's rows in the same order.
            ids = list(object_list.values_list("pk", flat=True))
            object_list = self.object_list.filter(pk__in=ids)
        return EstimatedPage(object_list, number, paginator)
