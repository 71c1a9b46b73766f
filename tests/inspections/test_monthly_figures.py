"""The inspections app's monthly figures (architecture 10.9): each against a hand-counted
October, grouped by compound and street equal to the totals, 环比/同比 through ``Compared``, empty
months and scopes, and a constant number of queries at two sizes.

October 2026 (the due day is the 10th):

- self-checks: A1 submitted on the 10th at 23:30 (on time) and approved, 达标 (LH-5 not
  applicable); A2 submitted on the 12th (late), approved, 基本达标 (LH-1 and LH-2 at 0); B2
  submitted on the 8th, returned, submitted again on the 14th, approved, 不达标 (the 否决项
  LH-3d fails); B1's stays a draft; N1 has no company: not due. September: A1 approved 达标.
- supervisions: A1 by the street and by the bureau, B1 by the bureau (all submitted); A2's
  stays a draft; A1's of September is another month.
- hazards: h1 (A1, raised 20 Sep) rectified 3 Oct, verified 4 Oct; h2 (A2) raised 2 Oct,
  rectified, rejected, rectified again 20 Oct; h3 (B1) raised 5 Oct, deadline 15 Oct, open at
  the month's end (rectified 5 Nov); h4 (B2) raised 28 Oct, deadline 10 Nov; h5 (A1) raised
  3 Nov, deadline 20 Nov.
- key management: B1 entered 10 Sep, left 20 Oct; A1 entered 15 Oct, left 2 Nov; B2 entered
  25 Oct.
"""

import datetime
from decimal import Decimal
from operator import attrgetter
from zoneinfo import ZoneInfo

import pytest
import time_machine

from communities.models import Compound
from communities.months import Compared, compared
from inspections import figures as fig
from inspections import services
from inspections.figures import (
    HazardMonthFigures,
    ItemRate,
    KeyManagementFigures,
    SelfCheckFigures,
    SupervisionFigures,
)
from inspections.models import Answer, Hazard, InspectionKind
from inspections.scoring import answer_is_given, item_failed
from tests import factories as f
from tests.conftest import build_city, shared_copy

from .conftest import fill_check

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEP, OCT, NOV, DEC = (datetime.date(2026, m, 1) for m in (9, 10, 11, 12))
TODAY = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=SHANGHAI)


def at(month: int, day: int, hour: int = 10, minute: int = 0):
    return time_machine.travel(
        datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI), tick=False
    )


def self_check(compound, manager, period, *, submit_on, overrides=None):
    with at(period.month, 1, 9):
        check = services.inspection_open(compound=compound, period=period, actor=manager)
        fill_check(check, manager, overrides)
    if submit_on is None:
        return check
    with at(period.month, *submit_on):
        return services.inspection_submit(inspection=check, actor=manager)


def approve(check, actor, day):
    with at(check.period.month, day, 16):
        return services.inspection_approve(inspection=check, actor=actor)


def supervision(compound, actor, period, *, day, submit=True):
    with at(period.month, day):
        check = services.supervision_open(compound=compound, period=period, actor=actor)
        fill_check(check, actor)
        if submit:
            services.inspection_submit(inspection=check, actor=actor)
    return check


def raise_hazard(compound, actor, raised, deadline):
    with at(*raised):
        return services.hazard_raise(
            compound=compound,
            actor=actor,
            category="fire",
            description="消防通道堆放杂物",
            responsible_party="物业公司",
            deadline=datetime.date(2026, *deadline),
        )


def rectify(hazard, actor, day):
    with at(*day):
        return services.hazard_rectify(hazard=hazard, actor=actor, note="已清理")


@pytest.fixture(scope="module")
def shared_october(module_db):
    """October, built once per module (tests/conftest.py ``module_db``); each test takes its own
    copy (``october``). The tests of single rules, which build their own month, are in
    test_monthly_rules.py."""
    city = build_city()
    c, street, bureau = city.compounds, city.street, city.bureau
    a, b = city.manager_a, city.manager_b
    approve(self_check(c["A1"], a, SEP, submit_on=(5,)), street, 6)
    a1 = self_check(c["A1"], a, OCT, submit_on=(10, 23, 30), overrides={"LH-5": "na"})
    a2 = self_check(c["A2"], a, OCT, submit_on=(12,), overrides={"LH-1": 0, "LH-2": 0})
    b2 = self_check(c["B2"], b, OCT, submit_on=(8,), overrides={"LH-3d": 1})
    self_check(c["B1"], b, OCT, submit_on=None)
    with at(10, 9):
        answer = b2.answers.get(item__code="LH-3d")
        services.inspection_return(inspection=b2, actor=street, item_comments={answer.pk: "核实"})
    with at(10, 14):
        b2 = services.inspection_submit(inspection=b2, actor=b)
    for check, day in ((a1, 15), (a2, 15), (b2, 16)):
        approve(check, street, day)

    supervision(c["A1"], street, SEP, day=25)
    supervision(c["A1"], street, OCT, day=18)
    supervision(c["A1"], bureau, OCT, day=19)
    supervision(c["B1"], bureau, OCT, day=21)
    supervision(c["A2"], street, OCT, day=22, submit=False)

    h1 = raise_hazard(c["A1"], street, (9, 20), (10, 5))
    rectify(h1, a, (10, 3))
    with at(10, 4):
        services.hazard_verify(hazard=h1, actor=street)
    h2 = raise_hazard(c["A2"], street, (10, 2), (10, 20))
    rectify(h2, a, (10, 10))
    with at(10, 12):
        services.hazard_reject(
            hazard=h2, actor=street, reason="未清理干净", deadline=datetime.date(2026, 10, 25)
        )
    rectify(h2, a, (10, 20))
    h3 = raise_hazard(c["B1"], bureau, (10, 5), (10, 15))
    raise_hazard(c["B2"], street, (10, 28), (11, 10))
    raise_hazard(c["A1"], street, (11, 3), (11, 20))
    rectify(h3, b, (11, 5))

    for compound, entered, left in (
        (c["B1"], (9, 10), (10, 20)),
        (c["A1"], (10, 15), (11, 2)),
        (c["B2"], (10, 25), None),
    ):
        with at(*entered):
            services.key_management_enter(compound=compound, actor=bureau, reason="投诉多")
        if left:
            with at(*left):
                services.key_management_leave(compound=compound, actor=bureau, reason="已整改")
    return city


@pytest.fixture
def october(shared_october, db):
    return shared_copy(shared_october)


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


ALL = Compound.objects.all


# Each figure against October -------------------------------------------------------------------


def test_self_checks_of_october(october, today):
    figures = fig.self_check_figures(ALL(), OCT)
    assert figures == SelfCheckFigures(
        due=4, submitted=3, on_time=2, approved=3, passed=1, basic=1, failed=1
    )
    assert figures.pass_rate == Decimal("33.3")
    assert figures.submission_rate == Decimal("75.0")
    assert figures.on_time_rate == Decimal("50.0")


def test_self_checks_by_compound_name_each_compounds_check(october, today):
    c = october.compounds
    by = fig.self_check_figures_by(ALL(), OCT)
    assert by[c["A1"].pk] == SelfCheckFigures(1, 1, 1, 1, 1, 0, 0)
    assert by[c["A2"].pk] == SelfCheckFigures(1, 1, 0, 1, 0, 1, 0)
    assert by[c["B2"].pk] == SelfCheckFigures(1, 1, 1, 1, 0, 0, 1)  # first submitted on the 8th
    assert by[c["B1"].pk] == SelfCheckFigures(due=1)  # a draft
    assert by[c["N1"].pk] == SelfCheckFigures()  # no company: nothing due


def test_each_items_pass_rate_over_the_approved_checks(october, today):
    rates = fig.item_pass_rates(ALL(), OCT)
    assert rates["SY-1"] == ItemRate(answered=3, passed=3)
    assert rates["LH-1"] == ItemRate(answered=3, passed=2)
    assert rates["LH-2"] == ItemRate(answered=3, passed=2)
    assert rates["LH-3d"] == ItemRate(answered=3, passed=2)
    assert rates["LH-5"] == ItemRate(answered=2, passed=2)  # not applicable in A1
    assert rates["LH-1"].rate == Decimal("66.7")
    assert len(rates) == 13


def test_item_pass_rates_agree_with_the_scoring_rule(october, today):
    answers = Answer.objects.filter(
        inspection__kind=InspectionKind.SELF_CHECK,
        inspection__period=OCT,
        inspection__status="approved",
    ).select_related("item", "inspection__template")
    expected: dict[str, list[int]] = {}
    for answer in answers:
        if answer.not_applicable or not answer_is_given(answer):
            continue
        counts = expected.setdefault(answer.item.code, [0, 0])
        counts[0] += 1
        counts[1] += not item_failed(answer.item, answer, answer.inspection.template)
    rates = fig.item_pass_rates(ALL(), OCT)
    assert {code: [r.answered, r.passed] for code, r in rates.items()} == expected


def test_item_pass_rates_by_compound(october, today):
    c = october.compounds
    by = fig.item_pass_rates_by(ALL(), OCT)
    assert set(by) == {c["A1"].pk, c["A2"].pk, c["B2"].pk}
    assert by[c["A2"].pk]["LH-1"] == ItemRate(1, 0)
    assert by[c["B2"].pk]["LH-3d"] == ItemRate(1, 0)
    assert "LH-5" not in by[c["A1"].pk]


def test_supervisions_done_in_october(october, today):
    c = october.compounds
    assert fig.supervision_figures(ALL(), OCT) == SupervisionFigures(done=3, compounds=2)
    by = fig.supervision_figures_by(ALL(), OCT)
    assert by == {c["A1"].pk: SupervisionFigures(2, 1), c["B1"].pk: SupervisionFigures(1, 1)}
    assert fig.supervision_figures(ALL(), SEP) == SupervisionFigures(done=1, compounds=1)


def test_hazards_of_october(october, today):
    figures = fig.hazard_month_figures(ALL(), OCT)
    assert figures == HazardMonthFigures(
        found=3, rectified=2, verified=1, overdue=1, found_rectified=1
    )
    assert figures.rectification_rate == Decimal("33.3")


def test_a_later_change_does_not_rewrite_a_past_month(october, today):
    # h3 was rectified on 5 November: at October's end it was still overdue.
    assert Hazard.objects.get(compound=october.compounds["B1"]).status == "rectified"
    assert fig.hazard_month_figures(ALL(), OCT).overdue == 1
    assert fig.hazard_month_figures(ALL(), NOV) == HazardMonthFigures(
        found=1, rectified=1, verified=0, overdue=2, found_rectified=0
    )


def test_the_current_months_overdue_hazards_are_the_lists(october, today):
    current = fig.hazard_month_figures(ALL(), DEC)
    assert current.overdue == fig.hazard_figures(Hazard.objects.all())["overdue"] == 2
    assert current.found == 0


def test_a_hazard_verified_before_the_month_is_not_read_for_it(october, today):
    h1 = Hazard.objects.get(compound=october.compounds["A1"], verified_at__isnull=False)
    assert h1.pk in fig._month_hazards(ALL(), OCT).values_list("pk", flat=True)
    assert h1.pk not in fig._month_hazards(ALL(), NOV).values_list("pk", flat=True)
    # the hazards still open at November's start are read: h3 was rectified in it
    assert fig._month_hazards(ALL(), NOV).filter(compound=october.compounds["B1"]).exists()


def test_hazards_by_compound(october, today):
    c = october.compounds
    by = fig.hazard_month_figures_by(ALL(), OCT)
    assert by[c["A1"].pk] == HazardMonthFigures(rectified=1, verified=1)
    assert by[c["A2"].pk] == HazardMonthFigures(found=1, rectified=1, found_rectified=1)
    assert by[c["B1"].pk] == HazardMonthFigures(found=1, overdue=1)
    assert by[c["B2"].pk] == HazardMonthFigures(found=1)
    assert c["N1"].pk not in by


def test_key_management_in_and_out(october, today):
    c = october.compounds
    assert fig.key_management_figures(ALL(), OCT) == KeyManagementFigures(2, 1, 2)
    assert fig.key_management_figures(ALL(), SEP) == KeyManagementFigures(1, 0, 1)
    assert fig.key_management_figures(ALL(), NOV) == KeyManagementFigures(0, 1, 1)
    by = fig.key_management_figures_by(ALL(), OCT)
    assert by == {
        c["A1"].pk: KeyManagementFigures(1, 0, 1),
        c["B1"].pk: KeyManagementFigures(0, 1, 0),
        c["B2"].pk: KeyManagementFigures(1, 0, 1),
    }


# Scopes, empty months, 环比 / 同比 -------------------------------------------------------------


def test_a_street_offices_scope_counts_its_compounds_only(october, today):
    mine = Compound.objects.visible_to(october.street)  # A1, A2, N1, B2
    assert fig.self_check_figures(mine, OCT) == SelfCheckFigures(3, 3, 2, 3, 1, 1, 1)
    assert fig.supervision_figures(mine, OCT) == SupervisionFigures(2, 1)
    assert fig.hazard_month_figures(mine, OCT) == HazardMonthFigures(2, 2, 1, 0, 1)
    assert fig.key_management_figures(mine, OCT) == KeyManagementFigures(2, 0, 2)
    assert fig.item_pass_rates(mine, OCT)["LH-1"] == ItemRate(answered=3, passed=2)


def test_an_empty_scope_and_an_empty_month_give_zeros_and_no_rates(october, today):
    for compounds, month in ((Compound.objects.none(), OCT), (ALL(), datetime.date(2026, 1, 1))):
        checks = fig.self_check_figures(compounds, month)
        assert (checks.submitted, checks.approved, checks.pass_rate) == (0, 0, None)
        assert fig.item_pass_rates(compounds, month) == {}
        assert fig.supervision_figures(compounds, month) == SupervisionFigures()
        hazards = fig.hazard_month_figures(compounds, month)
        assert (hazards.found, hazards.rectification_rate) == (0, None)
        assert fig.key_management_figures(compounds, month) == KeyManagementFigures()
        assert fig.self_check_figures_by(compounds, month).get(0) is None
    assert fig.self_check_figures(Compound.objects.none(), OCT) == SelfCheckFigures()
    assert fig.self_check_figures_by(Compound.objects.none(), OCT) == {}


def test_october_beside_september_and_october_last_year(october, today):
    checks = compared(lambda month: fig.self_check_figures(ALL(), month), OCT)
    submitted = checks.map(attrgetter("submitted"))
    assert submitted == Compared(3, 1, 0)
    assert (submitted.change, submitted.year_change) == (2, 3)
    rate = checks.map(attrgetter("pass_rate"))
    assert rate == Compared(Decimal("33.3"), Decimal("100.0"), None)
    assert (rate.change, rate.year_change) == (Decimal("-66.7"), None)
    due = checks.map(attrgetter("due"))
    assert due == Compared(4, 4, 4)  # the terms began in 2024


# Groups add up to the totals -------------------------------------------------------------------


ADDITIVE = [
    (fig.self_check_figures, fig.self_check_figures_by),
    (fig.supervision_figures, fig.supervision_figures_by),
    (fig.hazard_month_figures, fig.hazard_month_figures_by),
    (fig.key_management_figures, fig.key_management_figures_by),
]


def _sum(figures: dict, cls):
    fields = cls.__dataclass_fields__
    return cls(**{name: sum(getattr(v, name) for v in figures.values()) for name in fields})


@pytest.mark.parametrize("level", ["compound", "community", "street", "district"])
@pytest.mark.parametrize("month", [SEP, OCT, NOV])
def test_the_groups_add_up_to_the_total(october, today, level, month):
    for total, grouped in ADDITIVE:
        whole = total(ALL(), month)
        assert _sum(grouped(ALL(), month, level), type(whole)) == whole
    items = fig.item_pass_rates(ALL(), month)
    for code, rate in items.items():
        groups = fig.item_pass_rates_by(ALL(), month, level).values()
        parts = [g[code] for g in groups if code in g]
        assert ItemRate(sum(p.answered for p in parts), sum(p.passed for p in parts)) == rate


def test_grouped_by_street_keys_each_street(october, today):
    street1, street2 = october.streets
    by = fig.self_check_figures_by(ALL(), OCT, "street")
    assert by == {
        street1.pk: SelfCheckFigures(3, 3, 2, 3, 1, 1, 1),
        street2.pk: SelfCheckFigures(due=1),
    }


# Queries do not grow with compounds or streets ----------------------------------------------


def every_figure(compounds):
    for total, grouped in [*ADDITIVE, (fig.item_pass_rates, fig.item_pass_rates_by)]:
        total(compounds, OCT)
        grouped(compounds, OCT, "street")
        grouped(compounds, OCT, "compound")


def more_compounds(city, n: int) -> None:
    """n compounds in a new street run by company A, each with a check, a supervision, a
    hazard and a key-management spell in October."""
    street = f.StreetFactory(district=city.district, code="110105009")
    community = f.CommunityFactory(street=street)
    for _ in range(n):
        compound = f.CompoundFactory(community=community)
        f.ManagementTermFactory(compound=compound, company=city.company_a)
        check = self_check(compound, city.manager_a, OCT, submit_on=(7,))
        approve(check, city.bureau, 8)
        supervision(compound, city.bureau, OCT, day=9)
        hazard = raise_hazard(compound, city.bureau, (10, 3), (10, 9))
        rectify(hazard, city.manager_a, (10, 5))
        with at(10, 11):
            services.key_management_enter(compound=compound, actor=city.bureau, reason="新")


def test_the_number_of_queries_does_not_grow(october, django_assert_num_queries):
    with time_machine.travel(TODAY, tick=False), django_assert_num_queries(15):
        every_figure(ALL())
    more_compounds(october, 3)
    with time_machine.travel(TODAY, tick=False):
        assert fig.self_check_figures(ALL(), OCT).approved == 6
        assert len(fig.self_check_figures_by(ALL(), OCT, "street")) == 3
        with django_assert_num_queries(15):
            every_figure(ALL())
