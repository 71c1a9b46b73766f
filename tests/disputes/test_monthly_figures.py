"""The disputes app's monthly figures (architecture 11.6): each against hand-counted months,
grouped by place equal to the totals, 环比/同比 through ``Compared``, empty months and scopes,
the current month against today's figures, and a constant number of queries at two sizes.

Today is 20 November 2026. The cases (10:00 Shanghai time unless said):

- c0: A1, registered 20 Sep, accepted 21 Sep with the deadline 30 Sep, resolved 5 Nov
  (overdue at the end of September and of October; resolved in November after 46 days).
- c1: A1 noise, registered 5 Oct, accepted, resolved 8 Oct (3 days).
- c2: A2 parking, registered 10 Oct, escalated 12 Oct to the street (new deadline 2 Nov), open.
- c3: B1 family, registered 20 Oct (deadline 3 Nov), open.
- c4: B2 noise, registered at street level by the street office 25 Oct, withdrawn 26 Oct.
- c5: A1, registered 3 Nov (deadline 17 Nov), open.
- c6: A1, registered 15 Oct 2025, accepted and resolved 17 Oct 2025.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from communities.models import Compound
from communities.months import Compared, compared
from disputes import figures as fig
from disputes import services
from disputes.figures import DisputeMonthFigures
from disputes.models import Category, DisputeCase, Level
from tests import factories as f

from .conftest import register

SHANGHAI = ZoneInfo("Asia/Shanghai")
AUG, SEP, OCT, NOV = (datetime.date(2026, m, 1) for m in (8, 9, 10, 11))
OCT_2025 = datetime.date(2025, 10, 1)
TODAY = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


def at(month: int, day: int, year: int = 2026):
    return time_machine.travel(
        datetime.datetime(year, month, day, 10, 0, tzinfo=SHANGHAI), tick=False
    )


def ALL():
    return Compound.objects.all()


def accept(case, actor, deadline=None):
    return services.case_accept(
        case=case,
        actor=actor,
        leader=actor,
        handler=actor,
        plan="约双方调解",
        deadline=deadline or case.deadline,
    )


def resolve(case, actor):
    return services.case_resolve(case=case, actor=actor, outcome="和解", agreement_reached=False)


@pytest.fixture
def cases(city):
    a, b = city.manager_a, city.manager_b
    with at(9, 20):
        c0 = register(city)
    with at(9, 21):
        c0 = accept(c0, a, datetime.date(2026, 9, 30))
    with at(10, 5):
        c1 = accept(register(city, category=Category.NOISE), a)
    with at(10, 8):
        resolve(c1, a)
    with at(10, 10):
        c2 = register(city, compound="A2", category=Category.PARKING)
    with at(10, 12):
        services.case_escalate(case=c2, actor=a, reason="上交")
    with at(10, 20):
        register(city, actor=b, compound="B1", category=Category.FAMILY)
    with at(10, 25):
        c4 = register(city, actor=city.street, compound="B2", level=Level.STREET)
    with at(10, 26):
        services.case_withdraw(case=c4, actor=city.street, reason="撤回")
    with at(11, 3):
        register(city)
    with at(11, 5):
        resolve(c0, a)
    with at(10, 15, 2025):
        c6 = register(city)
    with at(10, 17, 2025):
        resolve(accept(c6, a), a)
    with time_machine.travel(TODAY, tick=False):
        yield city


@pytest.fixture
def streets(cases):
    return cases.compounds["A1"].community.street, cases.compounds["B1"].community.street


def test_the_deadlines_the_fixture_counts_on(cases):
    deadlines = dict(DisputeCase.objects.values_list("category", "deadline"))
    assert deadlines[Category.PARKING] == datetime.date(2026, 11, 2)  # escalated 12 Oct
    assert deadlines[Category.FAMILY] == datetime.date(2026, 11, 3)


def test_october(cases):
    october = fig.dispute_month_figures(ALL(), OCT)
    assert october == DisputeMonthFigures(
        registered=4,
        resolved=1,
        escalated=1,
        overdue=1,  # c0: its deadline 30 Sep passed, open on 1 Nov
        registered_resolved=1,
        counted_resolved=1,
        resolve_time=datetime.timedelta(days=3),
    )
    assert october.closure_rate == Decimal("25.0")
    assert october.average_days_to_resolve == Decimal("3.0")


def test_november_the_current_month_reads_today(cases):
    november = fig.dispute_month_figures(ALL(), NOV)
    assert (november.registered, november.resolved, november.escalated) == (1, 1, 0)
    assert november.overdue == 3  # c2, c3, c5
    assert november.closure_rate == Decimal("0.0")  # c5 still open
    assert november.average_days_to_resolve == Decimal("46.0")  # c0


def test_the_current_month_agrees_with_todays_figures(cases):
    today = TODAY.date()
    cases_now = fig.status_counts(DisputeCase.objects.all(), today)
    november = fig.dispute_month_figures(ALL(), NOV)
    assert november.overdue == cases_now["overdue"] == 3
    registered = fig.registered_in(DisputeCase.objects.all(), NOV, datetime.date(2026, 11, 30))
    assert november.closure_rate == fig.closure_rate(fig.status_counts(registered, today))
    october = fig.registered_in(DisputeCase.objects.all(), OCT, datetime.date(2026, 10, 31))
    assert fig.dispute_month_figures(ALL(), OCT).registered == october.count()


def test_a_later_step_does_not_rewrite_a_past_month(cases):
    september = fig.dispute_month_figures(ALL(), SEP)
    # c0 was resolved in November: at the end of September it was open and overdue
    assert (september.registered, september.overdue, september.resolved) == (1, 1, 0)
    assert september.closure_rate == Decimal("0.0")
    # c2's level moved to street; it was registered at compound/community level
    assert fig.dispute_counts_by_level(ALL(), OCT) == {
        "community": 3,
        "street": 1,
        "district": 0,
    }


def test_counts_by_category(cases):
    counts = fig.dispute_counts_by_category(ALL(), OCT)
    assert list(counts) == Category.values
    assert {k: n for k, n in counts.items() if n} == {"noise": 2, "parking": 1, "family": 1}


def test_a_case_resolved_by_the_respondent_company_is_not_counted(cases):
    DisputeCase.objects.filter(category=Category.NOISE, status="resolved").update(
        resolved_by_respondent=True
    )
    october = fig.dispute_month_figures(ALL(), OCT)
    assert (october.resolved, october.registered_resolved, october.counted_resolved) == (1, 0, 0)
    assert (october.closure_rate, october.average_days_to_resolve) == (Decimal("0.0"), None)


def test_an_empty_scope_and_an_empty_month_give_zeros_and_no_rates(cases):
    for figures in (
        fig.dispute_month_figures(Compound.objects.none(), OCT),
        fig.dispute_month_figures(ALL(), AUG),
    ):
        assert figures == DisputeMonthFigures()
        assert (figures.closure_rate, figures.average_days_to_resolve) == (None, None)
    # a place whose only case before the month was closed before it (c6, October 2025) is
    # absent, as one with no case at all; in October 2025, when c6 was registered, it is in
    street1 = cases.compounds["A1"].community.street
    assert fig.dispute_month_figures_by(ALL(), AUG, "street") == {}
    assert fig.dispute_month_figures_by(ALL(), datetime.date(2025, 8, 1), "street") == {}
    c6_month = fig.dispute_month_figures_by(ALL(), datetime.date(2025, 10, 1), "street")
    assert set(c6_month) == {street1.pk} and c6_month[street1.pk].registered == 1
    assert set(fig.dispute_counts_by_category(ALL(), AUG).values()) == {0}
    assert set(fig.dispute_counts_by_level(Compound.objects.none(), OCT).values()) == {0}


def test_a_street_offices_scope_counts_its_compounds_only(cases, streets):
    street2 = Compound.objects.filter(community__street=streets[1])
    figures = fig.dispute_month_figures(street2, OCT)
    assert (figures.registered, figures.resolved, figures.overdue) == (1, 0, 0)


def test_october_beside_september_and_october_last_year(cases):
    months = compared(lambda m: fig.dispute_month_figures(ALL(), m), OCT)
    registered = months.map(lambda m: m.registered)
    assert registered == Compared(4, 1, 1)
    assert (registered.change, registered.year_change) == (3, 3)
    rates = months.map(lambda m: m.closure_rate)
    assert rates == Compared(Decimal("25.0"), Decimal("0.0"), Decimal("100.0"))
    assert (rates.change, rates.year_change) == (Decimal("25.0"), Decimal("-75.0"))
    days = months.map(lambda m: m.average_days_to_resolve)
    assert (days.value, days.previous, days.year_before, days.change) == (
        Decimal("3.0"),
        None,
        Decimal("2.0"),
        None,
    )


ADDITIVE = (
    "registered",
    "resolved",
    "escalated",
    "overdue",
    "registered_resolved",
    "counted_resolved",
)


@pytest.mark.parametrize("level", ["compound", "community", "street", "district"])
@pytest.mark.parametrize("month", [SEP, OCT, NOV])
def test_the_groups_add_up_to_the_total(cases, level, month):
    total = fig.dispute_month_figures(ALL(), month)
    by = fig.dispute_month_figures_by(ALL(), month, level)
    for name in ADDITIVE:
        assert sum(getattr(g, name) for g in by.values()) == getattr(total, name), name


def test_grouped_by_street_keys_each_street(cases, streets):
    street1, street2 = streets
    by = fig.dispute_month_figures_by(ALL(), OCT, "street")
    assert by == {
        street1.pk: DisputeMonthFigures(3, 1, 1, 1, 1, 1, datetime.timedelta(days=3)),
        street2.pk: DisputeMonthFigures(registered=1),
    }
    by_compound = fig.dispute_month_figures_by(ALL(), NOV, "compound")
    a1 = cases.compounds["A1"].pk
    assert (by_compound[a1].registered, by_compound[a1].resolved, by_compound[a1].overdue) == (
        1,
        1,
        1,
    )


# Queries do not grow with compounds or streets ----------------------------------------------


def every_figure(compounds):
    fig.dispute_month_figures(compounds, OCT)
    fig.dispute_month_figures_by(compounds, OCT, "street")
    fig.dispute_month_figures_by(compounds, OCT, "compound")
    fig.dispute_counts_by_category(compounds, OCT)
    fig.dispute_counts_by_level(compounds, OCT)


def more_compounds(city, n: int) -> None:
    """n compounds in a new street run by company A, each with a case registered and resolved
    in October."""
    street = f.StreetFactory(district=city.district)
    community = f.CommunityFactory(street=street)
    for _ in range(n):
        compound = f.CompoundFactory(community=community)
        f.ManagementTermFactory(compound=compound, company=city.company_a)
        city.compounds[compound.name] = compound
        with at(10, 13):
            case = accept(register(city, compound=compound.name), city.manager_a)
        with at(10, 14):
            resolve(case, city.manager_a)


def test_a_case_closed_before_the_month_is_not_read_for_it(cases):
    c6 = DisputeCase.objects.get(registered_at__year=2025)
    assert c6.pk in fig._month_cases(ALL(), datetime.date(2025, 10, 1)).values_list("pk", flat=True)
    assert c6.pk not in fig._month_cases(ALL(), OCT).values_list("pk", flat=True)
    # c0, registered in September and resolved in November, is read for October
    c0 = DisputeCase.objects.get(registered_at__month=9, registered_at__year=2026)
    assert c0.pk in fig._month_cases(ALL(), OCT).values_list("pk", flat=True)


def test_the_number_of_queries_does_not_grow(cases, django_assert_num_queries):
    with django_assert_num_queries(5):
        every_figure(ALL())
    more_compounds(cases, 3)
    assert fig.dispute_month_figures(ALL(), OCT).registered == 7
    assert len(fig.dispute_month_figures_by(ALL(), OCT, "street")) == 3
    with django_assert_num_queries(5):
        every_figure(ALL())
