"""A report's figures written to its row at the least memory: a province's run stores some
17 MB of JSON, and each whole copy of it counts against the worker's peak.

- ``json_bytes`` writes the JSON item by item into one buffer, where ``json.dumps`` of the
  whole would first hold millions of small pieces beside the figures' dicts;
- ``write_figures`` hands that buffer to PostgreSQL as a bound parameter (server-side
  binding), not quoted into the statement's text as Django's client-side binding does, which
  costs three more copies. SQLite gets it through the ORM.
"""

from __future__ import annotations

import json

from django.db import connection
from django.db.models import JSONField, TextField, Value
from django.db.models.functions import Cast

from .models import MonthlyReport

# containers this deep are written item by item (the report's lists of places: a compound's
# row is one json.dumps); below, each value with one json.dumps
ITEM_BY_ITEM_DEPTH = 2


def json_bytes(value, depth: int = ITEM_BY_ITEM_DEPTH) -> bytearray:
    """``value`` as compact JSON in UTF-8, as ``json.dumps`` writes it with ``(",", ":")`` and
    ``ensure_ascii=False`` (a Chinese name in 3 bytes a character, not 6 of ``\\uXXXX``)."""
    out = bytearray()
    _write(out, value, depth)
    return out


def _write(out: bytearray, value, depth: int) -> None:
    if depth and isinstance(value, dict):
        out += b"{"
        for n, (key, item) in enumerate(value.items()):
            if n:
                out += b","
            out += _dumps(key if isinstance(key, str) else _dumps(key).decode())
            out += b":"
            _write(out, item, depth - 1)
        out += b"}"
    elif depth and isinstance(value, list | tuple):
        out += b"["
        for n, item in enumerate(value):
            if n:
                out += b","
            _write(out, item, depth - 1)
        out += b"]"
    else:
        out += _dumps(value)


def _dumps(value) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def write_figures(report_id: int, figures: bytearray) -> None:
    """Store the JSON in ``figures`` as the report's figures."""
    if connection.vendor != "postgresql":
        stored = Cast(Value(figures.decode(), output_field=TextField()), JSONField())
        MonthlyReport.objects.filter(pk=report_id).update(figures=stored)
        return
    import psycopg
    from psycopg.types.json import Jsonb

    table = connection.ops.quote_name(MonthlyReport._meta.db_table)
    connection.ensure_connection()
    # %t: the text format, which passes the buffer as it is (the binary one prefixes a byte);
    # errors come out as Django's, as the ORM's would (the task retries an OperationalError)
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            f"UPDATE {table} SET figures = %t WHERE id = %t",  # noqa: S608 (our own table)
            [Jsonb(figures, dumps=bytes_as_they_are), report_id],
        )


def bytes_as_they_are(data):
    return data
