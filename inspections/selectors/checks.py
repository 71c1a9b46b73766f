"""Reads of self-checks and supervision inspections for the workbench pages.

Every function starts from ``visible_to(user)``: what a user may not see is never read, and an
object outside their scope is not found (the views turn that into a 404). The ``may_*``
helpers only decide what a page offers; the services decide what is allowed.
"""

from __future__ import annotations

import datetime
import functools
import operator
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy

from communities.models import Compound, ManagementTerm
from communities.scoping import scope_for
from inspections.models import (
    Answer,
    ChecklistItem,
    ChecklistSection,
    Evidence,
    Inspection,
    InspectionEvent,
    InspectionKind,
    InspectionStatus,
    Result,
)
from inspections.periods import month_start, previous_month
from inspections.scoring import (
    answer_is_given,
    evidence_missing,
    failed_veto_items,
    item_failed,
)

S = InspectionStatus
OPEN_STATUSES = (S.DRAFT, S.RETURNED)

# The lists of the check page, per role. Property companies do the self-checks; the street
# offices, communities and the bureau review them and carry out supervision inspections.
TAB_TODO = "todo"
TAB_RETURNED = "returned"
TAB_OVERDUE = "overdue"
TAB_HISTORY = "history"
TAB_REVIEW = "review"
TAB_SUPERVISION = "supervision"
TAB_ALL = "all"
TAB_LABELS = {
    TAB_TODO: gettext_lazy("To do this month"),
    TAB_RETURNED: gettext_lazy("Returned to me"),
    TAB_OVERDUE: gettext_lazy("Overdue"),
    TAB_HISTORY: gettext_lazy("Submitted and history"),
    TAB_REVIEW: gettext_lazy("Waiting for my review"),
    TAB_SUPERVISION: gettext_lazy("Supervision inspections"),
    TAB_ALL: gettext_lazy("All checks"),
}
# Those who follow the reviews without doing them (community committees, viewers).
REVIEW_TAB_FOR_OTHERS = gettext_lazy("Waiting for review")


def tab_labels(*, user) -> dict[str, str]:
    """Each list's name as this user sees it (on the page and in its export)."""
    labels = dict(TAB_LABELS)
    if not user.has_perm("inspections.review_inspection"):
        labels[TAB_REVIEW] = REVIEW_TAB_FOR_OTHERS
    return labels


MANAGER_TABS = (TAB_TODO, TAB_RETURNED, TAB_OVERDUE, TAB_HISTORY)
AREA_TABS = (TAB_REVIEW, TAB_OVERDUE, TAB_SUPERVISION, TAB_ALL)


# Months --------------------------------------------------------------------------------------


def past_due_q(today: datetime.date) -> Q:
    """Checks whose month is over, or whose due day (``INSPECTION_DUE_DAY``) has passed."""
    current = month_start(today)
    if today.day > settings.INSPECTION_DUE_DAY:
        return Q(period__lte=current)
    return Q(period__lt=current)


def current_month_is_due(today: datetime.date) -> bool:
    return today.day > settings.INSPECTION_DUE_DAY


# Lists ---------------------------------------------------------------------------------------


def check_tabs_for(*, user) -> tuple[str, ...]:
    """The lists a user's check page offers: a company's users fill checks, everyone else with
    an area (street office, community, bureau) follows and reviews them."""
    if scope_for(user).company_only:
        return MANAGER_TABS
    return AREA_TABS


def checks_for_list(*, user) -> QuerySet[Inspection]:
    """The inspections a user may see, with what a list row shows, in one query."""
    return Inspection.objects.visible_to(user).select_related(
        "compound__community__street", "organisation", "template"
    )


def _tab_q(tab: str, today: datetime.date) -> Q:
    self_check = Q(kind=InspectionKind.SELF_CHECK)
    if tab == TAB_TODO:
        return self_check & Q(status__in=OPEN_STATUSES, period=month_start(today))
    if tab == TAB_RETURNED:
        return self_check & Q(status=S.RETURNED)
    if tab == TAB_OVERDUE:
        return self_check & Q(status__in=OPEN_STATUSES) & past_due_q(today)
    if tab == TAB_HISTORY:
        return self_check & Q(status__in=(S.SUBMITTED, S.APPROVED))
    if tab == TAB_REVIEW:
        return self_check & Q(status=S.SUBMITTED)
    if tab == TAB_SUPERVISION:
        return Q(kind=InspectionKind.SUPERVISION)
    return Q()


_TAB_ORDER = {
    TAB_TODO: ("compound__code",),
    TAB_RETURNED: ("-period", "compound__code"),
    TAB_OVERDUE: ("period", "compound__code"),
    TAB_HISTORY: ("-period", "compound__code"),
    TAB_REVIEW: ("submitted_at", "pk"),
    TAB_SUPERVISION: ("-period", "status", "compound__code"),
    TAB_ALL: ("-period", "compound__code", "kind"),
}


def _filtered(qs, *, month: datetime.date | None, compound_id: int | None):
    if month is not None:
        qs = qs.filter(period=month_start(month))
    if compound_id is not None:
        qs = qs.filter(compound_id=compound_id)
    return qs


def checks_in_tab(
    *,
    user,
    tab: str,
    today: datetime.date,
    month: datetime.date | None = None,
    compound_id: int | None = None,
) -> QuerySet[Inspection]:
    """The rows of one list of the check page, narrowed by month and compound."""
    qs = checks_for_list(user=user).filter(_tab_q(tab, today))
    return _filtered(qs, month=month, compound_id=compound_id).order_by(*_TAB_ORDER[tab], "pk")


def with_failed_vetoes(checks) -> list[Inspection]:
    """The rows of a list page, each 不达标 one with the 否决项 it failed (``failed_vetoes``), so
    the row says why beside its score: one query for the page's critical answers (whether or
    not a row failed, so the count never depends on the results)."""
    checks = list(checks)
    critical = (
        Answer.objects.filter(
            inspection__in=[check.pk for check in checks],
            inspection__result=Result.FAIL,
            item__critical=True,
        )
        .select_related("item")
        .order_by("inspection_id", "item__section__order", "item__order", "item__code")
    )
    by_check = {
        pk: list(answers) for pk, answers in groupby(critical, key=lambda a: a.inspection_id)
    }
    for check in checks:
        answers = by_check.get(check.pk, [])
        check.failed_vetoes = failed_veto_items(check.template, answers) if answers else []
    return checks


def check_tab_counts(
    *,
    user,
    tabs: tuple[str, ...],
    today: datetime.date,
    month: datetime.date | None = None,
    compound_id: int | None = None,
) -> dict[str, int]:
    """How many rows each list holds, in one aggregate query. Only rows of some list are
    joined to the user's scope (a bureau's review count joined 110,000 checks to their
    compounds to count a few hundred)."""
    qs = _filtered(Inspection.objects.visible_to(user), month=month, compound_id=compound_id)
    wanted = {tab: _tab_q(tab, today) for tab in tabs}
    if wanted and all(wanted.values()):  # an empty Q (every row) would vanish in the OR
        qs = qs.filter(functools.reduce(operator.or_, wanted.values()))
    return qs.aggregate(**{tab: Count("pk", filter=q) for tab, q in wanted.items()})


def compounds_without_self_check(
    *, user, period: datetime.date, compound_id: int | None = None
) -> QuerySet[Compound]:
    """Compounds in scope that a company runs but that have no self-check for the month yet
    (the monthly job has not opened one, or the compound is new)."""
    period = month_start(period)
    run_by_a_company = ManagementTerm.objects.current(period).values("compound_id")
    has_check = Inspection.objects.filter(
        compound=OuterRef("pk"), kind=InspectionKind.SELF_CHECK, period=period
    )
    qs = (
        Compound.objects.visible_to(user)
        .filter(pk__in=run_by_a_company)
        .exclude(Exists(has_check))
        .select_related("community")
        .order_by("code")
    )
    if compound_id is not None:
        qs = qs.filter(pk=compound_id)
    return qs


def not_opened_period(
    *, tab: str, month: datetime.date | None, today: datetime.date
) -> datetime.date | None:
    """The month whose missing self-checks a list shows, if any: this month's in "to do",
    and in "overdue" a past month or this month once its due day has passed."""
    current = month_start(today)
    period = month_start(month) if month else current
    if tab == TAB_TODO and period == current:
        return period
    if tab == TAB_OVERDUE and (period < current or current_month_is_due(today)):
        return period if period <= current else None
    return None


def compound_self_checks_since(*, user, compound: Compound, first: datetime.date) -> list:
    """The compound's self-checks of the months from ``first`` on, newest first (one query):
    the compound page's latest checks."""
    return list(
        Inspection.objects.visible_to(user)
        .self_checks()
        .filter(compound=compound, period__gte=month_start(first))
        .order_by("-period")
    )


def compound_latest_supervision(*, user, compound: Compound) -> Inspection | None:
    """The compound's newest supervision inspection, if any (one query)."""
    return (
        Inspection.objects.visible_to(user)
        .supervisions()
        .filter(compound=compound)
        .select_related("organisation")
        .order_by("-period", "-pk")
        .first()
    )


def compounds_for_checks(*, user) -> QuerySet[Compound]:
    """The compounds a user may filter by, open a self-check or start a supervision on."""
    return Compound.objects.visible_to(user).order_by("code")


# One check -----------------------------------------------------------------------------------


def checks_for_detail(*, user) -> QuerySet[Inspection]:
    """Inspections whose page the user may open (``get_object_or_404`` on it: else a 404)."""
    return Inspection.objects.visible_to(user).select_related(
        "compound__community__street",
        "template",
        "organisation",
        "submitted_by",
        "reviewed_by",
    )


def answers_for_edit(*, user) -> QuerySet[Answer]:
    """Answers the user may reach; the services decide whether they may be changed."""
    return Answer.objects.visible_to(user).select_related(
        "item__section", "inspection__compound", "inspection__template"
    )


def evidence_for(*, user) -> QuerySet[Evidence]:
    """Evidence files the user may download or remove (the services decide the removing)."""
    return Evidence.objects.visible_to(user).select_related("answer__inspection")


def needs_evidence(answer: Answer) -> bool:
    """Evidence is required and missing: the one rule, ``scoring.evidence_missing``."""
    return evidence_missing(answer)


def check_answers(*, inspection: Inspection) -> list[Answer]:
    """The check's answers in checklist order, with items, sections and evidence (3 queries).

    Each answer carries ``given`` (answered), ``failed`` (fails its item) and
    ``missing_evidence`` for the page.
    """
    answers = list(
        inspection.answers.select_related("item__section")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")))
        .order_by("item__section__order", "item__order", "item__code")
    )
    for answer in answers:
        annotate_answer(answer, inspection)
    return answers


def annotate_answer(answer: Answer, inspection: Inspection) -> Answer:
    answer.given = answer_is_given(answer)
    answer.failed = item_failed(answer.item, answer, inspection.template)
    answer.missing_evidence = needs_evidence(answer)
    return answer


@dataclass(frozen=True)
class Progress:
    """Where a check stands, for the score card: how many items are answered, which are not
    (the first is "next unanswered"), which need evidence, and the failed 否决项 that make
    it 不达标 whatever its score (``scoring.failed_veto_items``)."""

    answered: int
    total: int
    missing_evidence: int
    unanswered: tuple[Answer, ...] = ()
    needs_evidence: tuple[Answer, ...] = ()
    vetoes: tuple[ChecklistItem, ...] = ()

    @property
    def next_unanswered(self) -> Answer | None:
        return self.unanswered[0] if self.unanswered else None

    @property
    def next_needing_evidence(self) -> Answer | None:
        return self.needs_evidence[0] if self.needs_evidence else None


def check_progress(answers: list[Answer], template=None) -> Progress:
    """``answers`` as ``check_answers`` gives them; with the check's ``template`` the failed
    否决项 too."""
    unanswered = tuple(a for a in answers if not a.given)
    needs = tuple(a for a in answers if a.missing_evidence)
    return Progress(
        answered=len(answers) - len(unanswered),
        total=len(answers),
        missing_evidence=len(needs),
        unanswered=unanswered,
        needs_evidence=needs,
        vetoes=tuple(failed_veto_items(template, answers)) if template is not None else (),
    )


@dataclass(frozen=True)
class SectionView:
    """One section of the check page: its answers, how many are answered, and whether it
    opens by itself (something in it is unanswered, lacks evidence or was sent back)."""

    section: ChecklistSection
    answers: tuple[Answer, ...]
    answered: int
    needs_attention: bool

    @property
    def total(self) -> int:
        return len(self.answers)


def check_sections(answers: list[Answer], *, bound_errors: frozenset[int] = frozenset()):
    """The answers grouped by section in checklist order. ``bound_errors`` names answers
    whose form was refused (their section opens too)."""
    sections: list[SectionView] = []
    for section, group in groupby(answers, key=lambda a: a.item.section):
        group = tuple(group)
        attention = any(
            not a.given or a.missing_evidence or a.review_comment or a.pk in bound_errors
            for a in group
        )
        answered = sum(1 for a in group if a.given)
        sections.append(SectionView(section, group, answered, attention))
    return sections


def check_events(*, inspection: Inspection) -> list[InspectionEvent]:
    """The check's timeline, oldest first (labels come from the model)."""
    return list(inspection.events.select_related("actor").order_by("at", "pk"))


def previous_self_check(*, user, inspection: Inspection) -> tuple[Inspection | None, dict]:
    """For a supervision inspection: the compound's self-check of the month before, and its
    answers by item code (the inspector compares item by item). Empty for a self-check."""
    if inspection.kind != InspectionKind.SUPERVISION:
        return None, {}
    answers = list(
        Answer.objects.visible_to(user)
        .filter(
            inspection__compound_id=inspection.compound_id,
            inspection__kind=InspectionKind.SELF_CHECK,
            inspection__period=previous_month(inspection.period),
        )
        .select_related("item", "inspection")
    )
    if not answers:
        return None, {}
    return answers[0].inspection, {a.item.code: a for a in answers}


# What a page offers ----------------------------------------------------------------------------


def may_edit(*, user, inspection: Inspection) -> bool:
    perm = (
        "inspections.change_inspection"
        if inspection.kind == InspectionKind.SELF_CHECK
        else "inspections.supervise_inspection"
    )
    return inspection.status in OPEN_STATUSES and user.has_perm(perm)


def may_review(*, user, inspection: Inspection) -> bool:
    return (
        inspection.kind == InspectionKind.SELF_CHECK
        and inspection.status == S.SUBMITTED
        and user.has_perm("inspections.review_inspection")
        and inspection.submitted_by_id != user.pk
    )


def may_reopen(*, user, inspection: Inspection) -> bool:
    return inspection.status == S.APPROVED and user.has_perm("inspections.reopen_inspection")


def may_raise_hazard(*, user) -> bool:
    return user.has_perm("inspections.add_hazard")
