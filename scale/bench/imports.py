"""The register import of new compounds (dry run and real) beside a plain import of the same
file, each in a child process (``child.py``), with the statements each sends.

The floor is what the simplest hand-written import costs: the upload read by openpyxl's
read-only reader, each row made a ``Compound`` (its community from one dict, its kind and
management mode from their labels), one ``bulk_create`` in batches of 500; no validation,
no scope, no preview, no audit. The issue measured its floor that way (3.7 s and 22
statements against the import's 50 s). The insert alone is timed too and shown beside it."""

from __future__ import annotations

import io

import openpyxl
import xlsxwriter

from communities.models import Community, Compound, CompoundKind, ManagementMode

from . import targets
from .child import run_child
from .results import Figure

FULL_ROWS = 20_000
QUICK_ROWS = 500
CODE_PREFIX = "BENCH"


def _communities() -> list[Community]:
    return list(Community.objects.order_by("pk")[:50])


def _rows(count: int):
    communities = _communities()
    for n in range(count):
        community = communities[n % len(communities)]
        yield {
            "code": f"{CODE_PREFIX}{n:06d}",
            "name": f"试导入小区{n}",
            "community": community,
            "address": f"试导入路{n}号",
            "household_count": 100 + n % 400,
            "building_count": 1 + n % 30,
            "year_built": 1990 + n % 30,
            "kind": CompoundKind.COMMODITY,
            "management_mode": ManagementMode.PROPERTY_COMPANY,
        }


def compound_resource(user):
    from communities.resources import CompoundResource

    return CompoundResource(user=user)


def compound_xlsx(count: int) -> bytes:
    """``count`` new compounds as an .xlsx with the import template's columns."""
    resource = compound_resource(None)
    headers = [field.column_name for field in resource.get_import_fields()]
    attribute = {field.column_name: field.attribute for field in resource.get_import_fields()}
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, headers)
    for number, row in enumerate(_rows(count), start=1):
        cells = []
        for header in headers:
            value = row.get(attribute[header], "")
            if attribute[header] == "community":
                value = value.code
            elif attribute[header] in ("kind", "management_mode"):
                value = str(value.label)
            cells.append(value)
        sheet.write_row(number, 0, cells)
    book.close()
    return out.getvalue()


def read_upload(data: bytes):
    """The upload read by the import's own bounded reader, as the admin reads it."""
    from communities.importing.formats import XLSXFormat

    return XLSXFormat().create_dataset(data)


def plain_import(data: bytes) -> list[Compound]:
    """The rows of ``data`` as unsaved compounds, the plain way (see the module's docstring)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = book.worksheets[0].iter_rows(values_only=True)
    attribute = {f.column_name: f.attribute for f in compound_resource(None).get_import_fields()}
    names = [attribute[header] for header in next(rows)]
    communities = {community.code: community for community in Community.objects.all()}
    kinds = {str(label): value for value, label in CompoundKind.choices}
    modes = {str(label): value for value, label in ManagementMode.choices}
    objects = []
    for row in rows:
        values = {name: value for name, value in zip(names, row, strict=True) if value is not None}
        values["community"] = communities[values["community"]]
        values["kind"] = kinds[values["kind"]]
        values["management_mode"] = modes[values["management_mode"]]
        objects.append(Compound(**values))
    book.close()
    return objects


def run(*, quick: bool, progress) -> list[Figure]:
    rows = QUICK_ROWS if quick else FULL_ROWS
    floor = run_child("import_floor", rows=rows)
    allowed = targets.import_statements_allowed(rows)
    figures = []
    for dry_run in (True, False):
        done = run_child("import_", rows=rows, dry_run=dry_run)
        name = f"import {rows:,} compounds ({'dry run' if dry_run else 'real'})"
        figure = Figure(
            "imports",
            name,
            "s",
            done["seconds"],
            floor=floor["seconds"],
            rows=rows,
            queries=done["statements"],
            peak_mb=done["peak_mb"],
            floor_peak_mb=floor["peak_mb"],
        )
        figure.note = (
            f"floor {floor['statements']} statements, "
            f"of which the insert {floor['insert_seconds']:.2f} s"
        )
        ratio = targets.IMPORT_RATIO
        figure.check(f"≤ {ratio}× plain import", figure.ratio <= ratio)
        figure.check(f"statements ≤ {allowed}", done["statements"] <= allowed)
        figures.append(figure)
        progress(figure)
    return figures
