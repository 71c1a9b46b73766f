"""A report's stored figures as the report page shows them (in the reader's language)."""

from __future__ import annotations

from dataclasses import dataclass

from .figures import COMPOUND, DAYS, HOURS, RATE, SECTIONS
from .models import MonthlyReport, ReportStatus
from .services import may_request


def shown(value, kind: str) -> str:
    """A figure on screen: «97.8%», «12», «3.5», or «—» without data."""
    if value is None:
        return "—"
    if kind == RATE:
        return f"{value:.1f}%"
    if kind in (HOURS, DAYS):
        return f"{value:.1f}"
    return str(value)


def shown_change(now, before, kind: str) -> str:
    """«+2.1», «−3», «0», or «—» (rates in percentage points)."""
    if now is None or before is None:
        return "—"
    delta = round(now - before, 1)
    if kind in (RATE, HOURS, DAYS):
        return f"{delta:+.1f}"
    return f"{int(delta):+d}"


@dataclass(frozen=True)
class SummaryRow:
    key: str
    label: str
    value: str
    previous: str
    change: str
    year_before: str
    year_change: str


def summary_sections(figures: dict) -> list[tuple[str, list[SummaryRow]]]:
    values = figures.get("summary", {})
    sections = []
    for title, items in SECTIONS:
        rows = []
        for figure in items:
            if figure.key not in values:
                continue
            now, before, year = values[figure.key]
            rows.append(
                SummaryRow(
                    figure.key,
                    str(figure.label),
                    shown(now, figure.kind),
                    shown(before, figure.kind),
                    shown_change(now, before, figure.kind),
                    shown(year, figure.kind),
                    shown_change(now, year, figure.kind),
                )
            )
        sections.append((str(title), rows))
    return sections


def rankings(figures: dict) -> dict:
    units = {unit["id"]: unit for unit in figures.get("units", [])}
    ranks = figures.get("rankings", {})
    return {
        "by_score": figures.get("level") == COMPOUND,
        "checks": [units[pk] for pk in ranks.get("checks", []) if pk in units],
        "cases": [units[pk] for pk in ranks.get("cases", []) if pk in units],
        "checks_skipped": ranks.get("checks_skipped", []),
        "cases_skipped": ranks.get("cases_skipped", []),
        "min_checks": ranks.get("min_checks"),
        "min_cases": ranks.get("min_cases"),
    }


def report_context(user, report: MonthlyReport) -> dict:
    figures = report.figures or {}
    compounds = {c["id"]: c for c in figures.get("compounds", [])}
    versions = MonthlyReport.objects.visible_to(user).filter(
        district=report.district_id, street=report.street_id, month=report.month
    )
    versions = list(versions.order_by("-version"))
    latest = not versions or versions[0].pk == report.pk
    allowed = may_request(user, report.district, report.street)
    return {
        "report": report,
        "sections": summary_sections(figures) if figures else [],
        "rankings": rankings(figures) if figures else None,
        "praised": [compounds[pk] for pk in figures.get("praised", []) if pk in compounds],
        "key_management": figures.get("key_management", []),
        "versions": versions,
        "can_publish": report.status == ReportStatus.READY
        and user.has_perm("reports.publish_monthlyreport"),
        # only the newest version is built again (an older, published one stays as it is)
        "can_regenerate": allowed and latest and not report.in_progress,
    }
