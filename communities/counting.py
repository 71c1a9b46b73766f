"""Counting without reading a province's rows twice (issue 14).

- ``counts``: several counts in one statement, ``SELECT (SELECT COUNT(*) FROM (…)), (…)``,
  each inner query the queryset's own SQL. The home's "what needs my action" counts two lists
  per part (mine and overdue, awaiting and overdue); one statement for both kept the page
  within its limit of queries.
- ``per_row``: a count per listed row as a subquery, evaluated for a page's rows only, where
  ``annotate(Count(…))`` grouped every row of the list before its ``LIMIT``.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, OuterRef, QuerySet, Subquery
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
