"""Scoring: one function turns answers into a score and a result (达标 / 基本达标 / 不达标).

Rules (shared/standard-sanyou-liuhao.md):
- yes/no items earn their points on yes, none on no; scored items earn what was given;
- not-applicable items (and unanswered ones, while a draft) leave the denominator; with
  nothing left to count there is no score (and no result, unless a critical item failed);
- number and text items carry no points; a number item fails above its ``fail_above``;
- a yes/no item fails on no; a scored item fails below ``item_pass_ratio`` % of its points;
- any failed critical item makes the result 不达标 whatever the total;
- otherwise ≥ pass_threshold → 达标, ≥ basic_threshold → 基本达标, else 不达标.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .models import AnswerType, ChecklistItem, ChecklistTemplate, Result

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Score:
    earned: Decimal
    possible: Decimal
    percent: Decimal | None  # None while no pointed item is answered
    result: str  # "" while there is nothing to judge
    failed_items: tuple[str, ...] = field(default_factory=tuple)
    failed_critical: tuple[str, ...] = field(default_factory=tuple)


def answer_is_given(answer) -> bool:
    """Whether an answer says something (not-applicable counts as an answer)."""
    if answer.not_applicable:
        return True
    kind = answer.item.answer_type
    if kind == AnswerType.YES_NO:
        return answer.value_bool is not None
    if kind == AnswerType.SCORE:
        return answer.value_score is not None
    if kind == AnswerType.NUMBER:
        return answer.value_number is not None
    return bool(answer.value_text.strip())


def evidence_required_for(answer) -> bool:
    """An answer needs evidence: a yes, or a score above zero, on an item that asks for it."""
    return (
        answer.item.evidence_required
        and not answer.not_applicable
        and bool(answer.value_bool or answer.value_score)
    )


def evidence_missing(answer) -> bool:
    """Evidence is required and none is attached (``answer.evidence`` may be prefetched)."""
    return evidence_required_for(answer) and not answer.evidence.all()


def item_earned(item: ChecklistItem, answer) -> Decimal | None:
    """Points earned, or None when the item leaves the denominator."""
    if answer is None or answer.not_applicable or not answer_is_given(answer):
        return None
    if item.answer_type == AnswerType.YES_NO:
        return item.points if answer.value_bool else Decimal("0")
    if item.answer_type == AnswerType.SCORE:
        return min(max(answer.value_score, Decimal("0")), item.points)
    return None


def item_failed(item: ChecklistItem, answer, template: ChecklistTemplate) -> bool:
    if answer is None or answer.not_applicable or not answer_is_given(answer):
        return False
    if item.answer_type == AnswerType.YES_NO:
        return answer.value_bool is False
    if item.answer_type == AnswerType.SCORE:
        return answer.value_score < item.points * template.item_pass_ratio / HUNDRED
    if item.answer_type == AnswerType.NUMBER:
        return item.fail_above is not None and answer.value_number > item.fail_above
    return False


def veto_failed(item: ChecklistItem, answer, template: ChecklistTemplate) -> bool:
    """A 否决项 (critical item) fails: the check is 不达标 whatever its total."""
    return item.critical and item_failed(item, answer, template)


def failed_veto_items(template: ChecklistTemplate, answers: Iterable) -> list[ChecklistItem]:
    """The reason a check is 不达标 whatever its score: the 否决项 its answers fail, in the
    answers' order. The check page, the printable check and ``score_answers`` all ask here."""
    return [a.item for a in answers if veto_failed(a.item, a, template)]


def result_for(percent: Decimal | None, failed_critical: bool, template: ChecklistTemplate) -> str:
    if failed_critical:
        return Result.FAIL
    if percent is None:
        return ""
    if percent < template.basic_threshold:
        return Result.FAIL
    if percent >= template.pass_threshold:
        return Result.PASS
    return Result.BASIC


def score_answers(
    template: ChecklistTemplate, items: Iterable[ChecklistItem], answers_by_item: dict
) -> Score:
    """Score one inspection: ``answers_by_item`` maps item id → answer (or is missing)."""
    earned = possible = Decimal("0")
    failed, failed_critical = [], []
    for item in items:
        answer = answers_by_item.get(item.pk)
        points = item_earned(item, answer)
        if points is not None and item.points:
            earned += points
            possible += item.points
        if item_failed(item, answer, template):
            failed.append(item.code)
        if veto_failed(item, answer, template):
            failed_critical.append(item.code)
    percent = None
    if possible:
        percent = (earned / possible * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Score(
        earned=earned,
        possible=possible,
        percent=percent,
        result=result_for(percent, bool(failed_critical), template),
        failed_items=tuple(failed),
        failed_critical=tuple(failed_critical),
    )
