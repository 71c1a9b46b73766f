"""The monthly report's figures, assembled from the apps' own figure functions.

Nothing here defines a figure: each number is read from the function of the app that owns it
(``inspections.figures``, ``disputes.figures``, ``patrols.patrol_figures`` / ``coverage`` /
``facility_coverage``, ``communities.residents.figures``). This module chooses which, for which
places and months, and turns them into plain JSON (rates as % with one decimal, or null), so a
report's figures can be stored, frozen and written into files without touching the database
again.

The number of queries does not grow with the number of compounds or streets: every grouped
figure is one ``*_by`` call.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Compound, Street
from communities.months import (
    month_bounds,
    month_of,
    percent,
    previous_month,
    same_month_last_year,
)
from communities.residents.figures import registration_rate, registration_rate_by
from disputes import figures as disputes
from inspections import figures as inspections
from inspections.models import ChecklistItem, Result
from patrols import facility_coverage as facilities
from patrols.coverage import watch_group_coverage, watch_group_coverage_by
from patrols.patrol_figures import EMPTY as NO_PATROLS
from patrols.patrol_figures import patrol_month_figures, patrol_month_figures_by

COMPOUND, STREET = "compound", "street"
RESULT_RANK = {Result.PASS: 0, Result.BASIC: 1, Result.FAIL: 2}
COUNT, RATE, HOURS, DAYS = "count", "rate", "hours", "days"


@dataclass(frozen=True)
class Figure:
    """One line of the summary: its key in the stored JSON, its words, its kind of number."""

    key: str
    label: object
    kind: str = COUNT
    monthly: bool = True  # False: the state when the report was built (no 环比/同比)


SECTIONS = (
    (
        _("Self-checks (三有/六好)"),
        (
            Figure("self_checks_due", _("self-checks due")),
            Figure("self_checks_submitted", _("self-checks submitted")),
            Figure("on_time_rate", _("submitted on time"), RATE),
            Figure("self_checks_approved", _("self-checks approved")),
            Figure("passed", _("compounds 达标")),
            Figure("basic", _("compounds 基本达标")),
            Figure("failed", _("compounds 不达标")),
            Figure("pass_rate", _("达标 rate"), RATE),
            Figure("supervisions", _("supervision inspections")),
        ),
    ),
    (
        _("Hazards"),
        (
            Figure("hazards_found", _("hazards found")),
            Figure("hazards_rectified", _("hazards rectified")),
            Figure("hazards_verified", _("hazards verified")),
            Figure("hazards_overdue", _("hazards overdue at the month's end")),
            Figure("rectification_rate", _("rectification rate"), RATE),
        ),
    ),
    (
        _("Disputes"),
        (
            Figure("disputes_registered", _("disputes registered")),
            Figure("disputes_resolved", _("disputes resolved")),
            Figure("disputes_escalated", _("disputes escalated")),
            Figure("disputes_overdue", _("disputes overdue at the month's end")),
            Figure("closure_rate", _("closure rate (结案率)"), RATE),
            Figure("average_days", _("average days to resolve"), DAYS),
        ),
    ),
    (
        _("Joint defence (群防群治)"),
        (
            Figure("patrol_logs", _("patrols")),
            Figure("patrol_hours", _("patrol hours"), HOURS),
            Figure("patrol_findings", _("patrol findings")),
            Figure("watch_coverage", _("watch-group coverage"), RATE, monthly=False),
            Figure("physical_rate", _("物防 coverage"), RATE, monthly=False),
            Figure("tech_rate", _("技防 coverage"), RATE, monthly=False),
        ),
    ),
    (
        _("Residents (以房管人)"),
        (
            Figure("registration_present", _("floating and foreign residents")),
            Figure("registration_rate", _("registration rate (列管率)"), RATE),
        ),
    ),
    (
        _("Key management"),
        (
            Figure("key_entered", _("compounds entering key management")),
            Figure("key_left", _("compounds leaving key management")),
            Figure("key_under", _("compounds under key management at the month's end")),
        ),
    ),
)
FIGURES = {figure.key: figure for _section, figures in SECTIONS for figure in figures}


def plain(value):
    """A figure as JSON: Decimal → float (one decimal stays one decimal), the rest as is."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def rate_of(part: int, whole: int) -> float | None:
    return plain(percent(part, whole))


def day_of_record(month: datetime.date, today: datetime.date) -> datetime.date:
    """The day a month's state figures are read on: its last day, or today while it runs."""
    return min(month_bounds(month)[1], today)


# The summary: one month's totals, beside the month before and the same month last year -----


def month_values(compounds: QuerySet, month: datetime.date, today: datetime.date) -> dict:
    """Every monthly figure of the scope for one month (about a dozen queries)."""
    checks = inspections.self_check_figures(compounds, month)
    supervision = inspections.supervision_figures(compounds, month)
    hazards = inspections.hazard_month_figures(compounds, month)
    cases = disputes.dispute_month_figures(compounds, month)
    key = inspections.key_management_figures(compounds, month)
    patrols = patrol_month_figures(compounds, month)
    registration = registration_rate(compounds, day_of_record(month, today))
    return {
        "self_checks_due": checks.due,
        "self_checks_submitted": checks.submitted,
        "on_time_rate": plain(checks.on_time_rate),
        "self_checks_approved": checks.approved,
        "passed": checks.passed,
        "basic": checks.basic,
        "failed": checks.failed,
        "pass_rate": plain(checks.pass_rate),
        "supervisions": supervision.done,
        "hazards_found": hazards.found,
        "hazards_rectified": hazards.rectified,
        "hazards_verified": hazards.verified,
        "hazards_overdue": hazards.overdue,
        "rectification_rate": plain(hazards.rectification_rate),
        "disputes_registered": cases.registered,
        "disputes_resolved": cases.resolved,
        "disputes_escalated": cases.escalated,
        "disputes_overdue": cases.overdue,
        "closure_rate": plain(cases.closure_rate),
        "average_days": plain(cases.average_days_to_resolve),
        "patrol_logs": patrols["logs"],
        "patrol_hours": plain(patrols["hours"]),
        "patrol_findings": patrols["findings"],
        "registration_present": registration.present,
        "registration_rate": rate_of(registration.registered, registration.present),
        "key_entered": key.entered,
        "key_left": key.left,
        "key_under": key.under,
    }


def has_data(values: dict) -> bool:
    """Whether anything happened in the scope that month: a month before the campaign (or the
    site) started has no 环比/同比 rather than a row of zeros. Self-checks *due* are not an
    event: they follow from the management terms, recorded with start dates long before the
    site was used, so every month since then would seem to have data."""
    return any(
        values[key]
        for key in (
            "self_checks_submitted",
            "supervisions",
            "hazards_found",
            "disputes_registered",
            "patrol_logs",
        )
    )


def state_values(compounds: QuerySet) -> dict:
    """The figures kept as a state rather than a history (groups, facilities): as they stand
    when the report is built; publishing freezes them with the rest."""
    watch = watch_group_coverage(compounds)
    equipment = facilities.facility_coverage(compounds)
    return {
        "watch_coverage": rate_of(watch.covered, watch.occupied),
        "physical_rate": plain(equipment.physical_rate),
        "tech_rate": plain(equipment.tech_rate),
    }


def summary(compounds: QuerySet, month: datetime.date, today: datetime.date) -> dict:
    """key → [this month, the month before (环比), the same month last year (同比)]; a
    comparison month without data is null throughout."""
    now = month_values(compounds, month, today)
    before = month_values(compounds, previous_month(month), today)
    year = month_values(compounds, same_month_last_year(month), today)
    state = state_values(compounds)
    rows = {}
    for key, figure in FIGURES.items():
        if not figure.monthly:
            rows[key] = [state[key], None, None]
            continue
        rows[key] = [
            now[key],
            before[key] if has_data(before) else None,
            year[key] if has_data(year) else None,
        ]
    return rows


# Places: one row per street (or compound), each figure from its app's grouped function -------


def _place_names(compounds: QuerySet, level: str) -> list[dict]:
    if level == STREET:
        streets = Street.objects.filter(pk__in=compounds.values("community__street_id"))
        return [
            {"id": pk, "code": code, "name": name}
            for pk, code, name in streets.order_by("code").values_list("pk", "code", "name")
        ]
    rows = (
        Compound.objects.filter(pk__in=compounds.values("pk"))
        .with_current_company()
        .order_by("community__street__code", "community__code", "code")
        .values(
            "pk",
            "code",
            "name",
            "community__name",
            "community__street__name",
            "current_company_name",
        )
    )
    return [
        {
            "id": row["pk"],
            "code": row["code"],
            "name": row["name"],
            "community": row["community__name"],
            "street": row["community__street__name"],
            "company": row["current_company_name"] or "",
        }
        for row in rows
    ]


def _facility_by(compounds: QuerySet, level: str) -> dict[int, dict]:
    """物防/技防 of each street (rates of its assessed compounds) or compound (covered, not
    covered or not assessed)."""
    if level == STREET:
        return {
            group.pk: {
                "physical": plain(group.figures.physical_rate),
                "tech": plain(group.figures.tech_rate),
            }
            for group in facilities.facility_coverage_by(compounds, STREET)
        }
    rows = facilities.annotate_coverage(Compound.objects.filter(pk__in=compounds.values("pk")))
    return {
        compound.pk: {
            "physical": facilities.coverage_status(compound, facilities.PHYSICAL),
            "tech": facilities.coverage_status(compound, facilities.TECH),
        }
        for compound in rows.only("pk")
    }


def place_rows(
    compounds: QuerySet, month: datetime.date, level: str, today: datetime.date
) -> list[dict]:
    """One row per street or compound of the scope with every figure of the month."""
    # The patrols first: they read the month's logs and places whole (a province's month: about
    # 100 MB for a moment), so nothing else is held yet when they do.
    patrols = patrol_month_figures_by(compounds, month, level)
    checks = inspections.self_check_figures_by(compounds, month, level)
    supervision = inspections.supervision_figures_by(compounds, month, level)
    hazards = inspections.hazard_month_figures_by(compounds, month, level)
    cases = disputes.dispute_month_figures_by(compounds, month, level)
    key = inspections.key_management_figures_by(compounds, month, level)
    watch = watch_group_coverage_by(compounds, level)
    registration = registration_rate_by(compounds, level, day_of_record(month, today))
    equipment = _facility_by(compounds, level)
    scores = inspections.self_check_scores(compounds, month) if level == COMPOUND else {}
    rows = []
    for place in _place_names(compounds, level):
        pk = place["id"]
        check = checks.get(pk, inspections.SelfCheckFigures())
        hazard = hazards.get(pk, inspections.HazardMonthFigures())
        case = cases.get(pk, disputes.DisputeMonthFigures())
        patrol = patrols.get(pk, NO_PATROLS)
        covered = watch.get(pk)
        rate = registration.get(pk)
        score = scores.get(pk)
        rows.append(
            {
                **place,
                "self_checks_due": check.due,
                "self_checks_submitted": check.submitted,
                "on_time_rate": plain(check.on_time_rate),
                "self_checks_approved": check.approved,
                "passed": check.passed,
                "basic": check.basic,
                "failed": check.failed,
                "pass_rate": plain(check.pass_rate),
                "check_status": score.status if score else "",
                "score": plain(score.score) if score else None,
                "result": score.result if score else "",
                "supervisions": supervision.get(pk, inspections.SupervisionFigures()).done,
                "hazards_found": hazard.found,
                "hazards_rectified": hazard.rectified,
                "hazards_overdue": hazard.overdue,
                "rectification_rate": plain(hazard.rectification_rate),
                "disputes_registered": case.registered,
                "disputes_resolved": case.resolved,
                "disputes_escalated": case.escalated,
                "disputes_overdue": case.overdue,
                "closure_rate": plain(case.closure_rate),
                "average_days": plain(case.average_days_to_resolve),
                "patrol_logs": patrol["logs"],
                "patrol_hours": plain(patrol["hours"]),
                "watch_coverage": rate_of(covered.covered, covered.occupied) if covered else None,
                "registration_present": rate.present if rate else 0,
                "registration_rate": rate_of(rate.registered, rate.present) if rate else None,
                **equipment.get(pk, {"physical": None, "tech": None}),
                "key_under": key.get(pk, inspections.KeyManagementFigures()).under,
            }
        )
    return rows


# Rankings, praise, key management, items, dispute breakdowns --------------------------------


def rankings(units: list[dict], level: str) -> dict:
    """Two rankings of the units: by self-checks (a street by its 达标 rate over at least
    ``REPORT_RANKING_MIN_CHECKS`` approved checks; a compound by its approved check, 达标 before
    基本达标 before 不达标, then by score) and by 结案率 (at least ``REPORT_RANKING_MIN_CASES``
    cases registered). Units below the minimum are not ranked and are named for the note."""
    min_checks = 1 if level == COMPOUND else settings.REPORT_RANKING_MIN_CHECKS
    min_cases = settings.REPORT_RANKING_MIN_CASES
    by_checks = [u for u in units if u["self_checks_approved"] >= min_checks]
    if level == COMPOUND:  # the result first: a vetoed 不达标 never outranks a 基本达标
        by_checks.sort(
            key=lambda u: (RESULT_RANK.get(u["result"], 3), -(u["score"] or 0), u["code"])
        )
    else:
        by_checks.sort(key=lambda u: (-(u["pass_rate"] or 0), -(u["on_time_rate"] or 0), u["code"]))
    by_cases = [u for u in units if u["disputes_registered"] >= min_cases]
    by_cases.sort(key=lambda u: (-(u["closure_rate"] or 0), u["average_days"] or 0, u["code"]))
    ranked_checks = [u["id"] for u in by_checks]
    ranked_cases = [u["id"] for u in by_cases]
    return {
        "checks": ranked_checks,
        "checks_skipped": [u["name"] for u in units if u["id"] not in set(ranked_checks)],
        "min_checks": min_checks,
        "cases": ranked_cases,
        "cases_skipped": [u["name"] for u in units if u["id"] not in set(ranked_cases)],
        "min_cases": min_cases,
    }


def praised(compounds: list[dict]) -> list[int]:
    """Compounds to praise: their self-check approved 达标 with a score of at least
    ``REPORT_PRAISE_MIN_SCORE``, and nothing overdue at the month's end (hazards, disputes);
    best score first."""
    floor = settings.REPORT_PRAISE_MIN_SCORE
    chosen = [
        c
        for c in compounds
        if c["result"] == Result.PASS
        and (c["score"] or 0) >= floor
        and not c["hazards_overdue"]
        and not c["disputes_overdue"]
    ]
    chosen.sort(key=lambda c: (-c["score"], c["code"]))
    return [c["id"] for c in chosen]


def key_management_list(compounds: QuerySet, month: datetime.date) -> list[dict]:
    """The 重点管理名单: spells running at the month's end or moving in it."""
    first, last = month_bounds(month)
    spells = inspections.key_management_spells(compounds, month)
    names = dict(
        Compound.objects.filter(pk__in=[s.compound_id for s in spells]).values_list("pk", "name")
    )
    return [
        {
            "compound_id": spell.compound_id,
            "compound": names.get(spell.compound_id, ""),
            "started_on": spell.started_on.isoformat(),
            "start_reason": spell.start_reason,
            "ended_on": spell.ended_on.isoformat() if spell.ended_on else None,
            "end_reason": spell.end_reason,
            "entered": first <= spell.started_on <= last,
            "left": bool(spell.ended_on and first <= spell.ended_on <= last),
        }
        for spell in spells
    ]


def item_rows(compounds: QuerySet, month: datetime.date) -> list[dict]:
    """Each 三有/六好 item's pass rate over the month's approved self-checks, with its words
    from the newest checklist version holding the code."""
    rates = inspections.item_pass_rates(compounds, month)
    words: dict[str, tuple[str, str]] = {}
    items = ChecklistItem.objects.filter(code__in=rates).order_by(
        "code", "-section__template__version"
    )
    for code, title, section in items.values_list("code", "title", "section__title"):
        words.setdefault(code, (section, title))
    return [
        {
            "code": code,
            "section": words.get(code, ("", ""))[0],
            "title": words.get(code, ("", code))[1],
            "answered": rate.answered,
            "passed": rate.passed,
            "rate": plain(rate.rate),
        }
        for code, rate in sorted(rates.items())
    ]


def report_figures(
    compounds: QuerySet, month: datetime.date, level: str, today: datetime.date | None = None
) -> dict:
    """Everything a monthly report shows, as JSON: the summary with 环比/同比, a row per unit
    (``level``: streets for the district's report, compounds for a street's), a row per
    compound, the rankings, the praised compounds, the key-management list, the items' pass
    rates and the disputes by category and level."""
    today = today or timezone.localdate()
    month = month_of(month)
    # The small parts before the row per compound: each reads patrol rows whole for a moment
    # (``place_rows``), and the peak is that moment plus whatever is held then.
    totals = summary(compounds, month, today)
    streets = None if level == COMPOUND else place_rows(compounds, month, level, today)
    compound_rows = place_rows(compounds, month, COMPOUND, today)
    units = compound_rows if streets is None else streets
    return {
        "month": month.isoformat(),
        "level": level,
        "built_on": today.isoformat(),
        "summary": totals,
        "units": units,
        "compounds": compound_rows,
        "rankings": rankings(units, level),
        "praised": praised(compound_rows),
        "key_management": key_management_list(compounds, month),
        "items": item_rows(compounds, month),
        "disputes_by_category": disputes.dispute_counts_by_category(compounds, month),
        "disputes_by_level": disputes.dispute_counts_by_level(compounds, month),
    }
