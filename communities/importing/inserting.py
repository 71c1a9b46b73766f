"""Inserting an import's new rows: one COPY on PostgreSQL, ``bulk_create`` elsewhere.

``bulk_create`` sends 500 rows a statement with every value quoted by the client cursor:
20,000 compounds take about a second, most of it in Python. On PostgreSQL the rows are
written instead with one ``COPY … FROM STDIN``, their ids taken beforehand from the table's
sequence in one statement (``nextval`` once per row, so an insert by someone else meanwhile
only leaves a gap). Like ``bulk_create``, this sends no signal; ``auto_now``/``auto_now_add``
fields are stamped as ``save()`` would, and every other value goes through the field's
``get_db_prep_save`` unless the field is one whose value the database takes as it is.
"""

from contextlib import nullcontext

from django.db import connection, models

# Field classes (exactly these, not subclasses) whose Python value psycopg writes as the
# database expects: ``get_db_prep_save`` would return the value itself. Any other field is
# prepared by Django first.
AS_IS = {
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DateTimeField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveBigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
}
CHUNK = 500  # rows per statement where ``bulk_create`` is used


def insert(model, objects: list) -> None:
    """Write ``objects`` (new instances of ``model``) and give each its primary key."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=CHUNK)
        return
    opts = model._meta
    fields = list(opts.concrete_fields)
    for obj, pk in zip(objects, _reserve_ids(opts, len(objects)), strict=True):
        obj.pk = pk
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    writers = [_writer(field) for field in fields]
    sql = f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN"
    rows = ([write(obj) for write in writers] for obj in objects)
    with connection.cursor() as cursor:
        _copy(cursor, sql, rows)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def _copy(cursor, sql: str, rows) -> None:
    """Run COPY as Django runs a statement: through the connection's execute wrappers (the
    statements a test or the bench counts) and, with DEBUG, into ``connection.queries``.
    Django has no COPY of its own, so this uses its wrapper chain (``_execute_with_wrappers``,
    there since Django 2.0) and the debug cursor's ``debug_sql``."""

    def run(sql, _params, _many, _context):
        debug = getattr(cursor, "debug_sql", None)
        with debug(sql) if debug else nullcontext(), cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    cursor._execute_with_wrappers(sql, None, False, executor=run)


def _reserve_ids(opts, count: int) -> list[int]:
    """``count`` fresh ids from the table's sequence, in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _writer(field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, True)
    if type(field) in AS_IS:
        attname = field.attname
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
