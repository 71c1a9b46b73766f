"""The inspections app's figures, each defined once: its pages show them, reports reuse them.

``hazard_figures`` takes a queryset of hazards that the caller has already scoped
(``Hazard.objects.visible_to(user)``, or the list's filtered hazards); counts are of hazards.
The monthly figures below take scoped compounds and a month (architecture 10.9).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone

from communities.counting import aggregates_each
from communities.levels import level_keys
from communities.models import Compound, ManagementTerm
from communities.months import month_bounds, month_moments, month_of, percent
from inspections.models import (
    Answer,
    AnswerType,
    Hazard,
    HazardAction,
    HazardEvent,
    HazardStatus,
    Inspection,
    InspectionAction,
    InspectionEvent,
    InspectionKind,
    InspectionStatus,
    KeyManagement,
    Result,
)
from inspections.models.hazards import OPEN_STATUSES, TO_RECTIFY, overdue_q


def hazard_figures(hazards: QuerySet, today: datetime.date | None = None) -> dict:
    """One query: total; unverified (待整改, 整改中 or 待验收: not yet verified); to rectify
    (the company's to do); awaiting verification (the verifier's to do); verified; overdue
    (past the deadline and not yet rectified, the definition of ``overdue_q``)."""
    today = today or timezone.localdate()
    return hazards.order_by().aggregate(
        total=Count("pk"),
        unverified=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        to_rectify=Count("pk", filter=Q(status__in=TO_RECTIFY)),
        awaiting_verification=Count("pk", filter=Q(status=HazardStatus.RECTIFIED)),
        verified=Count("pk", filter=Q(status=HazardStatus.VERIFIED)),
        overdue=Count("pk", filter=overdue_q(today)),
    )


# Monthly figures ---------------------------------------------------------------------------
#
# Each takes a queryset of compounds the caller has already scoped (a user's visible compounds,
# a street's …) and a month (any day of it). The plain form gives the scope's total; the
# ``*_by`` form gives each compound, community, street or district (keyed by its id) in one
# query whatever the number of places, with the same definition, so the groups add up to the
# total (rates excepted). A place with nothing to count is absent from a grouped dict (its
# figures are the dataclass's zeros). See architecture 10.9.

# How rows reach the level they are grouped by (as patrols.coverage), from a row with a
# ``compound`` and from a compound itself.
LEVELS = level_keys("compound")
COMPOUND_LEVELS = level_keys("")


def _grouped(rows: QuerySet, key: str, figures: dict, make) -> dict:
    found = rows.values(key).order_by(key).annotate(**figures)
    return {row.pop(key): make(row) for row in found}


# Self-checks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelfCheckFigures:
    due: int = 0  # compounds that must file the month's self-check
    submitted: int = 0  # of those, with the check submitted or approved
    on_time: int = 0  # of those, first submitted by the due day
    approved: int = 0
    passed: int = 0  # approved 达标
    basic: int = 0  # approved 基本达标
    failed: int = 0  # approved 不达标

    @property
    def pass_rate(self) -> Decimal | None:
        """达标 ÷ approved, %."""
        return percent(self.passed, self.approved)

    @property
    def submission_rate(self) -> Decimal | None:
        return percent(self.submitted, self.due)

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.due)


def due_moment(month: datetime.date) -> datetime.datetime:
    """The end of the month's due day (``INSPECTION_DUE_DAY``, 10.4), as an aware moment."""
    return month_moments(month)[0] + datetime.timedelta(days=settings.INSPECTION_DUE_DAY)


def _self_check_compounds(compounds: QuerySet, month: datetime.date) -> QuerySet:
    """Each compound with its self-check of the month joined (at most one: a unique
    constraint), whether a company runs it, and when the check was first submitted. A join,
    not a subquery per column: 20,000 compounds read in a quarter of the time."""
    first = month_of(month)
    first_submit = InspectionEvent.objects.filter(
        inspection=OuterRef("month_check"), action=InspectionAction.SUBMIT
    ).order_by("at")
    runs = ManagementTerm.objects.current(first).filter(compound=OuterRef("pk"))
    month_check = FilteredRelation(
        "inspections",
        condition=Q(inspections__kind=InspectionKind.SELF_CHECK, inspections__period=first),
    )
    return (
        Compound.objects.filter(pk__in=compounds.values("pk"))
        .annotate(month_check=month_check)
        .annotate(
            run_by_company=Exists(runs),
            check_status=F("month_check__status"),
            check_result=F("month_check__result"),
            first_submitted=Coalesce(
                Subquery(first_submit.values("at")[:1]), F("month_check__submitted_at")
            ),
        )
    )


def _self_check_aggregates(month: datetime.date) -> dict:
    submitted = Q(check_status__in=(InspectionStatus.SUBMITTED, InspectionStatus.APPROVED))
    approved = Q(check_status=InspectionStatus.APPROVED)
    return {
        "due": Count("pk", filter=Q(run_by_company=True) | Q(check_status__isnull=False)),
        "submitted": Count("pk", filter=submitted),
        "on_time": Count("pk", filter=submitted & Q(first_submitted__lt=due_moment(month))),
        "approved": Count("pk", filter=approved),
        "passed": Count("pk", filter=approved & Q(check_result=Result.PASS)),
        "basic": Count("pk", filter=approved & Q(check_result=Result.BASIC)),
        "failed": Count("pk", filter=approved & Q(check_result=Result.FAIL)),
    }


def self_check_figures(compounds: QuerySet, month: datetime.date) -> SelfCheckFigures:
    """The month's self-checks (one query). Due: compounds a company runs on the month's first
    day (those the monthly job opens a check for, 10.4), and any compound that has a self-check
    of the month; submitted: its check is submitted or approved now; on time: of those, first
    submitted (the timeline's first submission) by the end of ``INSPECTION_DUE_DAY``; approved;
    达标 / 基本达标 / 不达标: the approved checks' results; pass rate: 达标 ÷ approved."""
    row = _self_check_compounds(compounds, month).aggregate(**_self_check_aggregates(month))
    return SelfCheckFigures(**row)


def self_check_figures_each_month(
    compounds: QuerySet, months: Sequence[datetime.date]
) -> list[SelfCheckFigures]:
    """``self_check_figures`` of each of ``months``, in order, in one query."""
    parts = [(_self_check_compounds(compounds, m), _self_check_aggregates(m)) for m in months]
    return [SelfCheckFigures(**row) for row in aggregates_each(parts)]


def self_check_figures_by(
    compounds: QuerySet, month: datetime.date, level: str = "compound"
) -> dict[int, SelfCheckFigures]:
    """``self_check_figures`` of each place (one query); every place with a compound is in."""
    rows = _self_check_compounds(compounds, month)
    figures = _self_check_aggregates(month)
    return _grouped(rows, COMPOUND_LEVELS[level], figures, lambda r: SelfCheckFigures(**r))


# The items of the checklist ------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRate:
    answered: int = 0  # approved self-checks answering the item (not "not applicable")
    passed: int = 0  # of those, not failing it

    @property
    def rate(self) -> Decimal | None:
        return percent(self.passed, self.answered)


def _item_answers(compounds: QuerySet, month: datetime.date) -> QuerySet:
    return Answer.objects.filter(
        inspection__compound__in=compounds,
        inspection__kind=InspectionKind.SELF_CHECK,
        inspection__period=month_of(month),
        inspection__status=InspectionStatus.APPROVED,
    )


def _item_aggregates() -> dict:
    """The SQL form of ``scoring.answer_is_given`` and ``scoring.item_failed``."""
    T = AnswerType
    given = Q(not_applicable=False) & (
        Q(item__answer_type=T.YES_NO, value_bool__isnull=False)
        | Q(item__answer_type=T.SCORE, value_score__isnull=False)
        | Q(item__answer_type=T.NUMBER, value_number__isnull=False)
        | (Q(item__answer_type=T.TEXT) & ~Q(value_text__regex=r"^\s*$"))
    )
    # score < points × ratio ÷ 100, multiplied out: SQLite may divide stored decimals as integers
    below = LessThan(
        F("value_score") * 100, F("item__points") * F("inspection__template__item_pass_ratio")
    )
    failing = (
        Q(item__answer_type=T.YES_NO, value_bool=False)
        | (Q(item__answer_type=T.SCORE) & below)
        | Q(
            item__answer_type=T.NUMBER,
            item__fail_above__isnull=False,
            value_number__gt=F("item__fail_above"),
        )
    )
    return {
        "answered": Count("pk", filter=given),
        "passed": Count("pk", filter=given & ~failing),
    }


def item_pass_rates(compounds: QuerySet, month: datetime.date) -> dict[str, ItemRate]:
    """Each item's pass rate over the month's approved self-checks (one query), keyed by item
    code: answered = given and not "not applicable"; passed = answered and not failing the
    item (``scoring.item_failed``: no, a score below ``item_pass_ratio`` % of the points, a
    number above ``fail_above``). Items nobody answered are absent."""
    rows = _item_answers(compounds, month).values("item__code").order_by("item__code")
    rows = rows.annotate(**_item_aggregates())
    return {
        row["item__code"]: ItemRate(row["answered"], row["passed"])
        for row in rows
        if row["answered"]
    }


def item_pass_rates_by(
    compounds: QuerySet, month: datetime.date, level: str = "compound"
) -> dict[int, dict[str, ItemRate]]:
    """``item_pass_rates`` of each place (one query): place id → item code → ``ItemRate``."""
    key = "inspection__" + LEVELS[level]
    rows = _item_answers(compounds, month).values(key, "item__code").order_by(key, "item__code")
    figures: dict[int, dict[str, ItemRate]] = {}
    for row in rows.annotate(**_item_aggregates()):
        if row["answered"]:
            place = figures.setdefault(row[key], {})
            place[row["item__code"]] = ItemRate(row["answered"], row["passed"])
    return figures


# Supervision inspections ---------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisionFigures:
    done: int = 0  # supervision inspections of the month, submitted (final)
    compounds: int = 0  # compounds they covered


def _supervisions(compounds: QuerySet, month: datetime.date) -> QuerySet:
    return Inspection.objects.filter(
        compound__in=compounds,
        kind=InspectionKind.SUPERVISION,
        status=InspectionStatus.APPROVED,
        period=month_of(month),
    )


def _supervision_aggregates() -> dict:
    return {"done": Count("pk"), "compounds": Count("compound", distinct=True)}


def supervision_figures(compounds: QuerySet, month: datetime.date) -> SupervisionFigures:
    """Supervision inspections done (one query): those of the month (``period``) submitted by
    the inspector (a submitted supervision is final; a reopened one is not counted)."""
    return SupervisionFigures(
        **_supervisions(compounds, month).aggregate(**_supervision_aggregates())
    )


def supervision_figures_by(
    compounds: QuerySet, month: datetime.date, level: str = "compound"
) -> dict[int, SupervisionFigures]:
    rows = _supervisions(compounds, month)
    aggregates = _supervision_aggregates()
    return _grouped(rows, LEVELS[level], aggregates, lambda r: SupervisionFigures(**r))


# Hazards -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HazardMonthFigures:
    found: int = 0  # raised in the month
    rectified: int = 0  # reported rectified in the month (whenever raised)
    verified: int = 0  # verified in the month (whenever raised)
    overdue: int = 0  # overdue at the month's end
    found_rectified: int = 0  # raised in the month and rectified or verified by its end

    @property
    def rectification_rate(self) -> Decimal | None:
        """整改率: of the hazards found in the month, those rectified or verified by its end."""
        return percent(self.found_rectified, self.found)


def month_end_moment(month: datetime.date) -> datetime.datetime:
    """When "at the month's end" is read: the next month's first midnight, or now while the
    month is not over."""
    return min(month_moments(month)[1], timezone.now())


def _month_hazards(compounds: QuerySet, month: datetime.date) -> QuerySet:
    start, end = month_moments(month)
    until = month_end_moment(month)
    events = HazardEvent.objects.filter(hazard=OuterRef("pk"))
    in_month = events.filter(at__gte=start, at__lt=end)
    then = events.filter(at__lt=until).order_by("-at", "-pk")
    # A hazard verified before the month (verifying is final) adds nothing to any figure of
    # it: left out before its timeline is read (most of a province's hazards, once it has run).
    active = ~Q(verified_at__lt=start) | Q(created_at__gte=start)
    hazards = Hazard.objects.filter(active, compound__in=compounds, created_at__lt=until)
    return hazards.annotate(
        rectified_in=Exists(in_month.filter(action=HazardAction.RECTIFY)),
        verified_in=Exists(in_month.filter(action=HazardAction.VERIFY)),
        status_then=Subquery(then.values("to_status")[:1]),
        deadline_then=Subquery(then.values("deadline")[:1]),
    )


def _hazard_aggregates(month: datetime.date) -> dict:
    start, _ = month_moments(month)
    day_after = timezone.localdate(month_end_moment(month))
    found = Q(created_at__gte=start)
    done = Q(status_then__in=(HazardStatus.RECTIFIED, HazardStatus.VERIFIED))
    return {
        "found": Count("pk", filter=found),
        "rectified": Count("pk", filter=Q(rectified_in=True)),
        "verified": Count("pk", filter=Q(verified_in=True)),
        "overdue": Count("pk", filter=Q(status_then__in=TO_RECTIFY, deadline_then__lt=day_after)),
        "found_rectified": Count("pk", filter=found & done),
    }


def hazard_month_figures(compounds: QuerySet, month: datetime.date) -> HazardMonthFigures:
    """Hazards of the month (one query), read from their timeline so later changes do not
    rewrite a past month: found = raised in the month; rectified = reported rectified in it
    (a hazard rectified, rejected and rectified again in one month counts once); verified =
    verified in it; overdue = at the month's end still to rectify (open or rectifying) and past
    the deadline then in force (``overdue_q`` as the list showed it on the next month's first
    day; while the month runs, today); 整改率 = found_rectified ÷ found, where found_rectified
    are the hazards found in the month that were rectified or verified at its end."""
    rows = _month_hazards(compounds, month)
    return HazardMonthFigures(**rows.aggregate(**_hazard_aggregates(month)))


def hazard_month_figures_each_month(
    compounds: QuerySet, months: Sequence[datetime.date]
) -> list[HazardMonthFigures]:
    """``hazard_month_figures`` of each of ``months``, in order, in one query."""
    parts = [(_month_hazards(compounds, m), _hazard_aggregates(m)) for m in months]
    return [HazardMonthFigures(**row) for row in aggregates_each(parts)]


def hazard_month_figures_by(
    compounds: QuerySet, month: datetime.date, level: str = "compound"
) -> dict[int, HazardMonthFigures]:
    rows = _month_hazards(compounds, month)
    aggregates = _hazard_aggregates(month)
    return _grouped(rows, LEVELS[level], aggregates, lambda r: HazardMonthFigures(**r))


# Key management ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyManagementFigures:
    entered: int = 0  # compounds put under key management in the month
    left: int = 0  # compounds taken off in the month
    under: int = 0  # compounds under key management at the month's end


def _key_management_aggregates(month: datetime.date) -> dict:
    first, last = month_bounds(month)
    return {
        "entered": Count("compound", distinct=True, filter=Q(started_on__range=(first, last))),
        "left": Count("compound", distinct=True, filter=Q(ended_on__range=(first, last))),
        "under": Count(
            "compound",
            distinct=True,
            filter=Q(started_on__lte=last) & (Q(ended_on__isnull=True) | Q(ended_on__gt=last)),
        ),
    }


def key_management_figures(compounds: QuerySet, month: datetime.date) -> KeyManagementFigures:
    """Key management in the month (one query): compounds entering (a spell started in the
    month), leaving (a spell ended in it) and under it at its end (a spell running on its last
    day). A compound that entered and left in one month counts in both."""
    spells = KeyManagement.objects.filter(compound__in=compounds)
    return KeyManagementFigures(**spells.aggregate(**_key_management_aggregates(month)))


def key_management_figures_by(
    compounds: QuerySet, month: datetime.date, level: str = "compound"
) -> dict[int, KeyManagementFigures]:
    spells = KeyManagement.objects.filter(compound__in=compounds)
    aggregates = _key_management_aggregates(month)
    return _grouped(spells, LEVELS[level], aggregates, lambda r: KeyManagementFigures(**r))


def key_management_spells(compounds: QuerySet, month: datetime.date) -> list[KeyManagement]:
    """The spells behind ``key_management_figures`` (one query): those running at the month's
    end and those that started or ended in it, earliest first — the 重点管理名单 of a report."""
    first, last = month_bounds(month)
    running = Q(started_on__lte=last) & (Q(ended_on__isnull=True) | Q(ended_on__gt=last))
    moved = Q(started_on__range=(first, last)) | Q(ended_on__range=(first, last))
    spells = KeyManagement.objects.filter(running | moved, compound__in=compounds)
    return list(spells.order_by("started_on", "pk"))


# A compound's self-check of the month --------------------------------------------------------


@dataclass(frozen=True)
class CheckScore:
    status: str
    score: Decimal | None
    result: str  # "" until approved


def self_check_scores(compounds: QuerySet, month: datetime.date) -> dict[int, CheckScore]:
    """Each compound's self-check of the month as it stands now (one query): compound id →
    status, score and result (the result counts once approved); compounds without one are
    absent."""
    checks = Inspection.objects.filter(
        compound__in=compounds, kind=InspectionKind.SELF_CHECK, period=month_of(month)
    )
    return {
        compound_id: CheckScore(
            status, score, result if status == InspectionStatus.APPROVED else ""
        )
        for compound_id, status, score, result in checks.values_list(
            "compound_id", "status", "score", "result"
        )
    }
