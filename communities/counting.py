"""Counting without reading a province's rows twice (issue 14).

- ``counts``: several counts in one statement, ``SELECT (SELECT COUNT(*) FROM (…)), (…)``,
  each inner query the queryset's own SQL. The home's "what needs my action" counts two lists
  per part (mine and overdue, awaiting and overdue); one statement for both kept the page
  within its limit of queries.
- ``aggregates_each``: several ``aggregate()`` calls in one statement (``UNION ALL``): the
  dashboard's twelve months of self-checks, of disputes, two months of hazards, were 28
  statements on the home's first view.
- ``per_row``: a count per listed row as a subquery, evaluated for a page's rows only, where
  ``annotate(Count(…))`` grouped every row of the list before its ``LIMIT``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def counts(*querysets: QuerySet) -> list[int]:
    """How many rows each of ``querysets`` (of one database) holds, in one query."""
    parts, params = [], []
    for n, queryset in enumerate(querysets):
        try:
            sql, part_params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # ``none()``, or ``pk__in=[]``: nothing to ask
            parts.append("0")
            continue
        # the compiler's SQL, every value a parameter
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{n})")  # noqa: S608
        params.extend(part_params)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [int(value) for value in cursor.fetchone()]


def aggregates_each(parts: Sequence[tuple[QuerySet, dict]]) -> list[dict]:
    """``rows.aggregate(**aggregates)`` of each ``(rows, aggregates)`` part, in order, in one
    query; every part names the same aggregates (their values may differ: each month's own
    bounds). A part that matches no row gives zeros and ``None`` as ``aggregate()`` does; one
    that cannot match (``none()``) is not asked and gives ``{}``: the figures' defaults."""
    grouped = [
        rows.order_by()
        .annotate(part=Value(n, output_field=IntegerField()))
        .values("part")
        .annotate(**aggregates)
        for n, (rows, aggregates) in enumerate(parts)
    ]
    found = {row.pop("part"): row for row in grouped[0].union(*grouped[1:], all=True)}
    return [found.get(n, {}) for n in range(len(parts))]


def per_row(rows: QuerySet, path: str) -> Coalesce:
    """How many of ``rows`` belong to the outer row (``path``: their foreign key to it): a
    subquery evaluated for the page's rows only (a ``COUNT(DISTINCT …)`` over joins grouped
    every visible team or log before the ``LIMIT``)."""
    counted = (
        rows.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)
