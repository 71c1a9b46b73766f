"""The province's monthly report job: the district's report of the last complete month, built
by the task's service in a child process (its figures, workbook and circular)."""

from __future__ import annotations

from django.utils import timezone

from communities.months import month_of, previous_month

from . import targets
from .child import run_child
from .results import Figure


def run(*, quick: bool, progress) -> list[Figure]:
    month = previous_month(month_of(timezone.localdate()))
    done = run_child("report", month=month.isoformat())
    figure = Figure(
        "report",
        f"monthly report, district, {month:%Y-%m}",
        "s",
        done["seconds"],
        queries=done["queries"],
        peak_mb=done["peak_mb"],
    )
    figure.note = f"{done['compounds']:,} compounds; startup {done['startup_mb']:.0f} MB"
    figure.check(f"≤ {targets.REPORT_SECONDS} s", done["seconds"] <= targets.REPORT_SECONDS)
    figure.check(f"≤ {targets.REPORT_MB} MB", done["peak_mb"] <= targets.REPORT_MB)
    progress(figure)
    return [figure]
