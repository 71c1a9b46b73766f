"""The jobs ``child`` runs, each in a transaction the child rolls back."""

from __future__ import annotations

import datetime
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import xlsxwriter
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Max
from django.utils import timezone

EXPORT_KEY = "disputes.cases"


def _bureau():
    return get_user_model().objects.get(username="bureau")


@contextmanager
def counted_statements():
    """Count the statements sent, keeping none of them: a test's ``CaptureQueriesContext``
    holds every SQL text, the report's 17 MB of figures too, and that weighed on the peak."""
    counted = [0]

    def count(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counted


def _remove(*names) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


# The dispute export ---------------------------------------------------------------------------


def export(query: str) -> dict:
    """The export as a user gets it: an ExportJob run by the task's service."""
    from communities.exports.services import export_job_run
    from communities.models import ExportJob

    job = ExportJob.objects.create(
        user=_bureau(), exporter=EXPORT_KEY, params={"query": query}, file_format="xlsx"
    )
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    if job.status != "done":
        raise RuntimeError(job.error)
    size = default_storage.size(job.file.name)
    _remove(job.file.name)
    return {"rows": job.row_count, "bytes": size}


def export_floor(query: str) -> dict:
    """The same cases and parties from a plain ``values_list`` into xlsxwriter in
    constant-memory mode: no masking, no labels, no formats."""

    from communities.exports.base import ExportContext, get_exporter
    from disputes.models import Party

    ctx = ExportContext(user=_bureau(), params={"query": query}, today=timezone.localdate())
    cases = get_exporter(EXPORT_KEY).queryset(ctx)
    columns = (
        "number",
        "street__name",
        "compound__community__name",
        "compound__code",
        "compound__name",
        "category",
        "source",
        "level",
        "status",
        "registered_at",
        "deadline",
        "handler__first_name",
        "leader__first_name",
        "escalations",
        "description",
        "amount",
        "outcome",
        "closed_at",
        "satisfaction",
    )
    rows = 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "floor.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "remove_timezone": True})
        sheet = book.add_worksheet("cases")
        for rows, values in enumerate(cases.values_list(*columns).iterator(2000), start=1):
            sheet.write_row(rows, 0, values)
        parties = Party.objects.filter(case__in=cases.values("pk")).values_list(
            "case__number", "case__compound__name", "role", "name", "phone", "id_number"
        )
        sheet = book.add_worksheet("parties")
        for number, values in enumerate(parties.iterator(2000), start=1):
            sheet.write_row(number, 0, values)
        book.close()
        size = path.stat().st_size
    return {"rows": rows, "bytes": size}


# The monthly report ---------------------------------------------------------------------------


def report(month: str) -> dict:
    """A new version of the district's report of the month, built by the task's service."""
    from communities.models import District
    from reports.models import MonthlyReport
    from reports.services import report_build

    district = District.objects.get(code=_demo_district_code())
    month_day = datetime.date.fromisoformat(month)
    latest = MonthlyReport.objects.filter(district=district, street=None, month=month_day)
    version = (latest.aggregate(v=Max("version"))["v"] or 0) + 1
    made = MonthlyReport.objects.create(
        district=district, street=None, month=month_day, version=version
    )
    with counted_statements() as counted:
        report_build(report_id=made.pk)
    # what the job left, not its 17 MB of figures read back (the job itself never reads them)
    left = MonthlyReport.objects.filter(pk=made.pk)
    done = left.values("status", "error", "workbook", "circular").get()
    if done["status"] != "ready":
        raise RuntimeError(done["error"])
    _remove(done["workbook"], done["circular"])
    return {"queries": counted[0], "compounds": _compounds(district)}


def _demo_district_code() -> str:
    from communities.demo import DISTRICT_CODE

    return DISTRICT_CODE


def _compounds(district) -> int:
    from communities.models import Compound

    return Compound.objects.filter(community__street__district=district).count()


# The register import --------------------------------------------------------------------------


def import_(rows: int, dry_run: bool) -> dict:
    """``rows`` new compounds through the register import as `bureau` (dry run or real): the
    uploaded .xlsx read by the import's own reader, then ``import_data``, as the admin does.
    Writing the file is the benchmark's work, not the import's: it is not timed."""
    from .imports import compound_resource, compound_xlsx, read_upload

    upload = compound_xlsx(rows)
    started = time.perf_counter()
    with counted_statements() as counted:
        dataset = read_upload(upload)
        result = compound_resource(_bureau()).import_data(
            dataset, dry_run=dry_run, raise_errors=False, rollback_on_validation_errors=True
        )
    seconds = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        raise RuntimeError(f"import refused: {result.invalid_rows[:3]} {result.row_errors()[:3]}")
    return {"rows": rows, "statements": counted[0], "seconds": seconds}


def import_floor(rows: int) -> dict:
    """The same file imported the plain way (``imports.plain_import``), the insert timed
    apart as well."""
    from communities.models import Compound

    from .imports import compound_xlsx, plain_import

    upload = compound_xlsx(rows)
    started = time.perf_counter()
    with counted_statements() as counted:
        objects = plain_import(upload)
        inserting = time.perf_counter()
        Compound.objects.bulk_create(objects, batch_size=500)
    done = time.perf_counter()
    if len(objects) != rows:
        raise RuntimeError(f"the plain import read {len(objects)} rows of {rows}")
    return {
        "rows": rows,
        "statements": counted[0],
        "seconds": done - started,
        "insert_seconds": done - inserting,
    }
