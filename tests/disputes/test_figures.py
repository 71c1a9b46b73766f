"""The dispute figures: each counted from cases in known states, in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from disputes import services
from disputes.figures import dispute_figures, percent, registered_in
from disputes.models import DisputeCase

from .conftest import TODAY, accept, register

D = datetime.date


@pytest.fixture
def cases(city, today):
    """Five cases of A1/A2 (company A) and one of B1 (company B):
    two resolved (one after 3 days, one after 1 day, both visited: very satisfied, dissatisfied),
    one escalated and open, one closed unresolved, one withdrawn, one overdue (B1)."""
    a = city.manager_a

    def resolve_after(days, satisfaction, **extra):
        case = accept(register(city, **extra), a)
        with time_machine.travel(
            datetime.datetime(2026, 11, 2 + days, 9, 30, tzinfo=datetime.UTC), tick=False
        ):
            services.case_resolve(case=case, actor=a, outcome="和解", agreement_reached=False)
            services.return_visit_record(
                case=case, actor=a, visited_on=D(2026, 11, 2 + days), satisfaction=satisfaction
            )
        return case

    resolve_after(3, "very", category="parking", source="screening")
    resolve_after(1, "dissatisfied", category="parking")
    services.case_escalate(case=register(city, compound="A2"), actor=a, reason="上交")
    services.case_close_unresolved(
        case=accept(register(city), a), actor=a, referred_to="court", where="法院"
    )
    services.case_withdraw(case=register(city), actor=a, reason="撤回")
    b1 = register(city, actor=city.manager_b, compound="B1", source="hotline")
    DisputeCase.objects.filter(pk=b1.pk).update(deadline=D(2026, 10, 30))
    return DisputeCase.objects.all()


def test_the_figures_of_a_known_set(cases, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = dispute_figures(cases, today=TODAY)
    assert {k: figures[k] for k in ("total", "resolved", "unresolved", "withdrawn", "open")} == {
        "total": 6,
        "resolved": 2,
        "unresolved": 1,
        "withdrawn": 1,
        "open": 2,
    }
    assert (figures["overdue"], figures["escalated"]) == (1, 1)
    assert figures["closure_rate"] == Decimal("33.3")  # 2 of 6
    assert (figures["visited"], figures["satisfied"], figures["satisfaction_rate"]) == (
        2,
        1,
        Decimal("50.0"),
    )
    assert figures["average_days_to_resolve"] == Decimal("2.0")  # (3 + 1) / 2
    by_category = {value: n for value, _label, n in figures["by_category"]}
    assert (by_category["parking"], by_category["noise"], by_category["family"]) == (2, 4, 0)
    assert len(figures["by_category"]) == 10
    by_level = {value: n for value, _label, n in figures["by_level"]}
    assert by_level == {"community": 5, "street": 1, "district": 0}
    by_source = {value: n for value, _label, n in figures["by_source"]}
    assert (by_source["screening"], by_source["hotline"], by_source["resident"]) == (1, 1, 4)


def test_figures_follow_the_scope_they_are_given(city, cases):
    mine = dispute_figures(DisputeCase.objects.visible_to(city.manager_b), today=TODAY)
    assert (mine["total"], mine["overdue"], mine["closure_rate"]) == (1, 1, Decimal("0.0"))
    assert dispute_figures(DisputeCase.objects.visible_to(city.nobody))["closure_rate"] is None


def test_registered_in_a_period(city, today):
    register(city)
    register(city, registered_at=datetime.datetime(2026, 10, 31, 20, tzinfo=datetime.UTC))
    # 20:00 UTC on 31 October is 04:00 on 1 November in Shanghai: it counts in November.
    november = registered_in(DisputeCase.objects.all(), D(2026, 11, 1), D(2026, 11, 30))
    assert november.count() == 2
    assert registered_in(DisputeCase.objects.all(), D(2026, 10, 1), D(2026, 10, 31)).count() == 0


def test_percent_rounds_half_up_and_has_no_base_without_cases():
    assert percent(51, 59) == Decimal("86.4")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(0, 0) is None
