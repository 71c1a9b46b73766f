"""A measured figure, its floor and its target, and how the run is reported."""

from __future__ import annotations

import json
import platform
import statistics
from dataclasses import asdict, dataclass, field


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of the samples (p50 = the median of an odd count)."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


@dataclass
class Figure:
    """One measurement. ``value`` is in ``unit``; ``floor`` in the same unit (or None);
    ``checks`` maps each target to whether it held, and ``passed`` is all of them."""

    group: str  # pages, load, searches, figures, report, exports, imports
    name: str
    unit: str  # ms, s, rps, MB
    value: float
    floor: float | None = None
    p95: float | None = None
    queries: int | None = None
    rows: int | None = None
    peak_mb: float | None = None
    floor_peak_mb: float | None = None
    note: str = ""
    checks: dict[str, bool] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if not self.floor:
            return None
        if self.unit == "rps":  # more is better: the floor serves the most
            return self.floor / self.value if self.value else None
        return self.value / self.floor

    @property
    def passed(self) -> bool:
        return all(self.checks.values())

    def check(self, target: str, held: bool) -> Figure:
        self.checks[target] = bool(held)
        return self

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 2)
        data["passed"] = self.passed
        for key in ("value", "floor", "p95", "peak_mb", "floor_peak_mb"):
            if data[key] is not None:
                data[key] = round(data[key], 2)
        return data


def machine() -> dict:
    import os

    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        server = cursor.fetchone()[0]
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "database": f"{connection.vendor} {server}",
    }


def report_json(figures: list[Figure], *, quick: bool, scope: dict, started: str) -> str:
    return json.dumps(
        {
            "started": started,
            "quick": quick,
            "machine": machine(),
            "scope": scope,
            "passed": all(f.passed for f in figures),
            "figures": [f.as_dict() for f in figures],
        },
        ensure_ascii=False,
        indent=2,
    )


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit in ("ms", "s", "MB", "rps") and value < 10:
        return f"{value:.2f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table(figures: list[Figure]) -> list[str]:
    """The run as lines of text: one per figure."""
    lines = [
        f"{'group':<9} {'name':<44} {'value':>10} {'p95':>9} {'floor':>9} {'×':>6} "
        f"{'queries':>7} {'MB':>7}  result"
    ]
    for f in figures:
        ratio = "—" if f.ratio is None else f"{f.ratio:.1f}"
        failed = [target for target, held in f.checks.items() if not held]
        result = "ok" if not failed else "FAIL " + "; ".join(failed)
        lines.append(
            f"{f.group:<9} {f.name[:44]:<44} {_number(f.value, f.unit):>7} {f.unit:<2} "
            f"{_number(f.p95, f.unit):>9} {_number(f.floor, f.unit):>9} {ratio:>6} "
            f"{'' if f.queries is None else f.queries:>7} {_number(f.peak_mb, 'MB'):>7}  {result}"
        )
    return lines
