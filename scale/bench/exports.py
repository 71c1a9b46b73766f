"""The dispute export (the background job as `bureau`) of about 100,000 and 300,000 rows,
beside xlsxwriter in constant-memory mode fed from a plain ``values_list`` of the same rows,
each in a child process for its peak memory."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from communities.exports.base import ExportContext, get_exporter
from disputes.models.cases import Category, Level, Status

from . import targets
from .child import run_child
from .results import Figure
from .tasks import EXPORT_KEY

FULL_SIZES = (100_000, 300_000)
QUICK_SIZES = (1_000, 3_000)


def _candidates(today: datetime.date) -> list[str]:
    """Filters of the list, whole and narrowed: the export nearest each size is taken."""
    queries = [""]
    queries += [f"year={year}" for year in (today.year, today.year - 1)]
    queries += [f"status={status}" for status in Status.values]
    queries += [f"level={level}" for level in Level.values]
    queries += [f"category={category}" for category in Category.values]
    return queries


def sized_queries(sizes) -> list[tuple[str, int]]:
    """For each size, the list filter whose export is nearest to it, and its row count."""
    today = timezone.localdate()
    user = get_user_model().objects.get(username="bureau")
    exporter = get_exporter(EXPORT_KEY)
    counted = []
    for query in _candidates(today):
        ctx = ExportContext(user=user, params={"query": query}, today=today)
        counted.append((query, exporter.count(ctx)))
    return [min(counted, key=lambda qc: abs(qc[1] - size)) for size in sizes]


def run(*, quick: bool, progress) -> list[Figure]:
    figures = []
    for query, rows in sized_queries(QUICK_SIZES if quick else FULL_SIZES):
        floor = run_child("export_floor", query=query)
        done = run_child("export", query=query)
        figure = Figure(
            "exports",
            f"dispute export {rows:,} rows ({query or 'all'})",
            "s",
            done["seconds"],
            floor=floor["seconds"],
            rows=done["rows"],
            peak_mb=done["peak_mb"],
            floor_peak_mb=floor["peak_mb"],
        )
        figure.note = (
            f"{done['bytes'] // 1024:,} KB; floor {floor['bytes'] // 1024:,} KB, "
            f"{floor['peak_mb']:.0f} MB peak; startup {done['startup_mb']:.0f} MB"
        )
        figure.check(f"≤ {targets.EXPORT_RATIO}× xlsxwriter", figure.ratio <= targets.EXPORT_RATIO)
        figure.check(f"≤ {targets.EXPORT_MB} MB", done["peak_mb"] <= targets.EXPORT_MB)
        figures.append(figure)
        progress(figure)
    return figures
