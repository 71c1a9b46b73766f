"""Scoring: not-applicable items, critical failures and the thresholds at their edges."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from inspections.models import AnswerType, ChecklistItem, Result
from inspections.scoring import failed_veto_items, score_answers


def _answers(template, overrides):
    """Full marks on every item, except ``overrides[code]`` ("na", bool or a number)."""
    items = list(ChecklistItem.objects.filter(section__template=template))
    answers = {}
    for item in items:
        value = overrides.get(item.code)
        answer = SimpleNamespace(
            item=item,
            not_applicable=value == "na",
            value_bool=None,
            value_score=None,
            value_number=None,
            value_text="",
        )
        if value != "na":
            if item.answer_type == AnswerType.YES_NO:
                answer.value_bool = True if value is None else value
            elif item.answer_type == AnswerType.SCORE:
                answer.value_score = item.points if value is None else Decimal(str(value))
            elif item.answer_type == AnswerType.NUMBER:
                answer.value_number = Decimal("0") if value is None else Decimal(str(value))
        answers[item.pk] = answer
    return items, answers


def score(template, **overrides):
    overrides = {k.replace("_", "-"): v for k, v in overrides.items()}
    items, answers = _answers(template, overrides)
    return score_answers(template, items, answers)


def test_the_default_template_totals_100_points(template):
    result = score(template)
    assert result.possible == Decimal("100")
    assert result.percent == Decimal("100.00")
    assert result.result == Result.PASS


@pytest.mark.parametrize(
    ("overrides", "percent", "expected"),
    [
        ({"LH_2": 0, "LH_3c": 0}, "85.00", Result.PASS),  # exactly the 达标 line
        ({"LH_2": 0, "LH_3c": 0, "LH_5": "9.9"}, "84.90", Result.BASIC),  # just under
        ({"LH_2": 0, "LH_3a": 0, "LH_5": 0}, "70.00", Result.BASIC),  # exactly the 基本 line
        ({"LH_2": 0, "LH_3a": 0, "LH_5": 0, "LH_6a": "9.9"}, "69.90", Result.FAIL),
    ],
)
def test_thresholds_at_their_edges(template, overrides, percent, expected):
    result = score(template, **overrides)
    assert result.percent == Decimal(percent)
    assert result.result == expected
    assert result.failed_critical == ()


def test_not_applicable_items_leave_the_denominator(template):
    result = score(template, LH_2="na", LH_3c=0)
    assert result.possible == Decimal("90")
    assert result.earned == Decimal("85")
    assert result.percent == Decimal("94.44")
    assert result.result == Result.PASS


def test_a_failed_critical_yes_no_item_fails_whatever_the_total(template):
    result = score(template, SY_1=False)
    assert result.percent == Decimal("95.00")
    assert result.result == Result.FAIL
    assert result.failed_critical == ("SY-1",)


def test_a_critical_score_item_fails_below_its_pass_share(template):
    # LH-6b (10 points, critical): 6 is 60 % and passes; 5.9 fails the compound.
    assert score(template, LH_6b=6).result == Result.PASS
    failed = score(template, LH_6b="5.9")
    assert failed.percent == Decimal("95.90")
    assert failed.result == Result.FAIL
    assert failed.failed_critical == ("LH-6b",)


def test_a_major_case_fails_the_compound_and_carries_no_points(template):
    result = score(template, LH_3d=1)
    assert result.percent == Decimal("100.00")
    assert result.result == Result.FAIL
    assert result.failed_critical == ("LH-3d",)


def test_a_low_non_critical_score_is_a_failed_item_but_not_critical(template):
    result = score(template, LH_2=3)
    assert result.failed_items == ("LH-2",)
    assert result.failed_critical == ()
    assert result.result == Result.PASS


def test_unanswered_items_leave_the_denominator_of_a_draft(template):
    items, answers = _answers(template, {})
    del answers[items[0].pk]
    result = score_answers(template, items, answers)
    assert result.possible == Decimal("95")
    assert result.percent == Decimal("100.00")


def test_thresholds_come_from_the_template(template):
    template.pass_threshold = Decimal("95")
    result = score(template, LH_2=0)  # 90 %
    assert result.result == Result.BASIC


def test_the_failed_veto_items_are_the_reason_and_agree_with_the_result(template):
    """``failed_veto_items`` names the 否决项 that make a check 不达标 whatever its score, in
    the answers' order; it is what ``score_answers`` counts as ``failed_critical``."""
    items, answers = _answers(template, {"SY-1": False, "LH-2": 0, "LH-3d": 2, "LH-6b": "na"})
    vetoes = failed_veto_items(template, answers.values())
    assert [item.code for item in vetoes] == ["SY-1", "LH-3d"]  # not LH-2: not a 否决项
    result = score_answers(template, items, answers)
    assert result.failed_critical == tuple(item.code for item in vetoes)
    assert result.result == Result.FAIL
    _, clean = _answers(template, {"LH-2": 0})
    assert failed_veto_items(template, clean.values()) == []
