"""Searching a province's texts for a part of a word (issue 14).

A search box looks for the words typed anywhere in a text (``icontains``: ``UPPER(…) LIKE
'%…%'``), which no ordinary index serves: at a province's size the dispute list's search read
every one of 300,000 cases (3.6 s). Chinese words are mostly two characters (漏水, 噪声, 王伟),
too short for PostgreSQL's trigram indexes. So on PostgreSQL a big table's searched texts carry
a GIN index of their pairs of characters (``sc_bigrams``, made by migration
``communities.0009``; the case number and description, ``disputes.0009``), and a search asks
first for the texts holding every pair of the words, then for the words themselves among those
(``text_part``, ``any_of``): the same rows as ``icontains``, found through the index. A
one-character search, and SQLite (the embedded database), use ``icontains`` alone.

Compounds are few (20,000 in a province): a search through a record's compound reads the
matching compounds' ids first (``compound_part``), so each part of an "or" stays on the
record's own indexes.

The register's biggest tables, households (a million) and residents (several million), are
searched in the admin over several columns at once. Each carries one pair index over its
searchable columns joined (``row_part``, ``row_index_sql``; ``communities.0012``) rather than
one per column: the index finds the rows whose joined text holds every pair of the words, and
the words are then checked in the searched columns themselves, so a reader who may not search
personal data is answered from the same index without matching them (``PairSearchMixin`` in
``communities/admin/pair_search.py``).

A word in half of the rows (消防 in the hazards) gains nothing from such an index: the rows
must be read anyway, and the estimate after the words' own check misleads the planner. The
hazard list (100,000 rows) is searched without it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db import connection, models
from django.db.models import Q

#: How many ids a search through the compound (or a resident's home) carries at most (a word
#: matching more is common enough that the rest of the search narrows it anyway).
IDS_MATCHED_MAX = 2_000

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION sc_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(upper(t), i, 2)), '{}')
  FROM generate_series(1, length(t) - 1) AS i
$$
"""
DROP_FUNCTION = "DROP FUNCTION IF EXISTS sc_bigrams(text)"


class Bigrams(models.Func):
    """The distinct pairs of characters of a text, upper-cased (PostgreSQL only)."""

    function = "sc_bigrams"
    output_field = ArrayField(models.TextField())


class Joined(models.Func):
    """Several text columns as one text, a space between each: what a row's pair index holds
    (written as in ``row_index_sql``, so that PostgreSQL reads the index)."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = models.TextField()


def indexed() -> bool:
    return connection.vendor == "postgresql"


def text_part(field: str, text: str) -> tuple[Q, Q]:
    """``field`` contains ``text`` (case-insensitive), as (what the index finds, what is
    exact): the texts holding every pair of characters of ``text``, and those holding it."""
    contains = Q(**{f"{field}__icontains": text})
    if not indexed() or len(text) < 2:
        return contains, contains
    return Q(DataContains(Bigrams(field), Bigrams(models.Value(text)))), contains


def any_of(*parts: tuple[Q | None, Q]) -> Q:
    """Any part matches, written as (any index finds it) and (any part is exact): a text
    holding the words holds their pairs, so this is the "or" of the exact parts, but the
    first half is read from the indexes at once and the second checks only what they found
    (the "or" of each (index and exact) made PostgreSQL compute every found text's pairs
    again). A part no index finds (``None``: a join, past ``IDS_MATCHED_MAX``) means every
    row is read anyway: then the exact parts alone, as computing every row's pairs on the way
    made 小区 in the admin's households 40 times slower than Django's own search."""
    found, exact = Q(), Q()
    for index_q, exact_q in parts:
        exact |= exact_q
        found = None if found is None or index_q is None else found | index_q
    return exact if found is None else found & exact


def row_part(columns: Sequence[str], fields: Sequence[str], text: str) -> tuple[Q, Q]:
    """One of ``fields`` contains ``text``: found through the pairs of the row's ``columns``
    joined (its ``row_index_sql`` index; ``fields`` are among them, maybe fewer), and checked
    in ``fields`` alone."""
    exact = Q()
    for field in fields:
        exact |= Q(**{f"{field}__icontains": text})
    if not fields:
        return Q(pk__in=[]), Q(pk__in=[])
    if not indexed() or len(text) < 2:
        return exact, exact
    joined = Joined(*(models.F(column) for column in columns))
    return Q(DataContains(Bigrams(joined), Bigrams(models.Value(text)))), exact


def compound_part(
    user, text: str, path: str = "compound", codes: bool = False
) -> tuple[Q | None, Q]:
    """The record's compound (reached through ``path``) has ``text`` in its name: on
    PostgreSQL as the ids of the user's matching compounds (one query), so that an "or" with
    the record's own texts stays on its indexes; as a join when more match than
    ``IDS_MATCHED_MAX`` or on SQLite. ``codes``: or in its code."""
    own = Q(name__icontains=text)
    joined = Q(**{f"{path}__name__icontains": text})
    if codes:
        own |= Q(code__icontains=text)
        joined |= Q(**{f"{path}__code__icontains": text})
    if not indexed():
        return None, joined
    from communities.models import Compound

    return ids_part(Compound.objects.visible_to(user).filter(own), path, joined)


def ids_part(found: models.QuerySet, path: str, joined: Q) -> tuple[Q | None, Q]:
    """The record's ``path`` is one of ``found`` (read first, one query), so that an "or" with
    the record's own texts stays on its indexes (a subquery there is a filter on every row);
    ``joined``, which no index finds, when more than ``IDS_MATCHED_MAX`` match."""
    ids = list(found.values_list("pk", flat=True)[: IDS_MATCHED_MAX + 1])
    if len(ids) > IDS_MATCHED_MAX:
        return None, joined
    by_id = Q(**{f"{path}_id__in": ids})
    return by_id, by_id


def pair_index_sql(table: str, column: str) -> tuple[str, str]:
    """The SQL making and dropping the pair index of ``table.column`` (for a migration)."""
    name = f"{table}_{column}_pairs"[:63]
    create = f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (sc_bigrams("{column}"))'
    return create, f'DROP INDEX IF EXISTS "{name}"'


def row_index_sql(table: str, columns: Sequence[str]) -> tuple[str, str]:
    """The SQL making and dropping the pair index of ``table``'s ``columns`` joined, as
    ``row_part`` reads it (for a migration; the columns must be NOT NULL)."""
    name = f"{table}_row_pairs"[:63]
    joined = " || ' ' || ".join(f'"{column}"' for column in columns)
    create = f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (sc_bigrams(({joined})))'
    return create, f'DROP INDEX IF EXISTS "{name}"'


def postgresql_only(*statements: str):
    """A migration step running ``statements`` on PostgreSQL only (SQLite has no GIN index)."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run
