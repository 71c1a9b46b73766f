"""Writing many rows of one model fast: COPY on PostgreSQL, one ``executemany`` on SQLite.

The generator gives every row its primary key itself (``TableWriter.ids``), so rows that point
at each other are written without reading ids back: on PostgreSQL a block is reserved from the
table's sequence (``setval(seq, nextval(seq) + n - 1)``), on SQLite the keys continue after the
table's largest. Rows bypass ``Model.save()``, signals and django-auditlog on purpose (like the
demo's bulk inserts): the audit log has no entries for generated rows. ``auto_now`` fields are
not stamped by Django either: past records keep the dates the generator gives them, and a
row that gives none gets the run's moment.
"""

from __future__ import annotations

import datetime
import time

from django.db import connection
from django.utils import timezone


class TableWriter:
    """Rows of one model, given as dicts of attnames; what a row leaves out takes the field's
    default. Counts the rows written and the seconds spent in the database."""

    def __init__(self, model):
        self.model = model
        opts = model._meta
        self.fields = list(opts.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.defaults = {f.attname: f.get_default() for f in self.fields if f.attname != "id"}
        now = timezone.now()  # what a row leaves out of its auto_now fields: the run's moment
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
        self.table = opts.db_table
        self.written = 0
        self.seconds = 0.0
        self._next: int | None = None
        self._postgres = connection.vendor == "postgresql"
        # SQLite stores dates, times and datetimes as text (datetimes in UTC, as Django's
        # backend adapts them) and decimals through the field; PostgreSQL's COPY takes them all.
        self._prep = [None if self._postgres else _sqlite_adapter(f) for f in self.fields]

    def ids(self, n: int) -> int:
        """Reserve ``n`` primary keys; returns the first (they run on from it)."""
        if n <= 0:
            return 0
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if self._postgres:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                    [self.table, self.table, n],
                )
                return cursor.fetchone()[0] - n + 1
            if self._next is None:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {quote(self.table)}")  # noqa: S608
                self._next = cursor.fetchone()[0]
        first = self._next
        self._next += n
        return first

    def _tuple(self, row: dict) -> tuple:
        full = {**self.defaults, **row}
        values = [full[a] for a in self.attnames]
        for i, adapt in enumerate(self._prep):
            if adapt is not None and values[i] is not None:
                values[i] = adapt(values[i])
        return tuple(values)

    def write(self, rows: list[dict]) -> None:
        if not rows:
            return
        started = time.monotonic()
        tuples = [self._tuple(r) for r in rows]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if self._postgres:
                sql = f"COPY {quote(self.table)} ({columns}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for values in tuples:
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                sql = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, tuples)
        self.written += len(tuples)
        self.seconds += time.monotonic() - started


def _utc_text(value: datetime.datetime) -> str:
    return str(value.astimezone(datetime.UTC).replace(tzinfo=None))


def _sqlite_adapter(field):
    """How a value of the field is handed to SQLite (what Django's backend would store)."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return _utc_text
    if kind in ("DateField", "TimeField"):
        return str
    if kind == "DecimalField":
        return lambda value: field.get_db_prep_value(value, connection)
    return None
