# ruff: noqa: F811  (the fixtures are imported from tests.reports.report_world)
"""The monthly report's figures (reports/figures.py) against the hand-counted world of
tests/reports/report_world.py: every summary figure with 环比 and 同比, comparison months and
scopes without data, a street's row, the rankings and who is left out of them, the praised
compounds, the key-management list, the items, and a constant number of queries."""

import pytest
import time_machine

from communities.models import Compound
from communities.months import previous_month
from reports.figures import COMPOUND, FIGURES, STREET, report_figures
from tests import factories as f
from tests.reports.report_world import (  # noqa: F401  (fixtures)
    BEFORE,
    MONTH,
    TODAY,
    YEAR_BEFORE,
    approve,
    report_world,
    self_check,
    shared_report_world,
    template,
    today,
)

pytestmark = pytest.mark.django_db

# key → [October 2026, September 2026 (环比), October 2025 (同比)], counted by hand.
SUMMARY = {
    "self_checks_due": [4, 4, 4],  # A1, A2, B1, B2 (company terms since 2024); N1 has none
    "self_checks_submitted": [3, 2, 0],
    "on_time_rate": [50.0, 50.0, 0.0],  # A1 8 Oct, B2 9 Oct of 4; A1 5 Sep, A2 6 Sep of 4
    "self_checks_approved": [3, 1, 0],
    "passed": [1, 1, 0],
    "basic": [1, 0, 0],
    "failed": [1, 0, 0],
    "pass_rate": [33.3, 100.0, None],
    "supervisions": [2, 0, 0],
    "hazards_found": [3, 0, 0],
    "hazards_rectified": [1, 0, 0],  # h1 (h2 was rectified in November)
    "hazards_verified": [1, 0, 0],
    "hazards_overdue": [1, 0, 0],  # h2, past 15 Oct and open on 1 November
    "rectification_rate": [33.3, None, None],
    "disputes_registered": [4, 1, 1],
    "disputes_resolved": [1, 1, 1],
    "disputes_escalated": [1, 0, 0],
    "disputes_overdue": [1, 0, 0],  # d1, deadline 20 Oct
    "closure_rate": [25.0, 100.0, 100.0],
    "average_days": [3.0, 3.0, 2.0],
    "patrol_logs": [2, 1, 0],
    "patrol_hours": [3.5, 1.0, 0.0],
    "patrol_findings": [1, 0, 0],
    "watch_coverage": [42.9, None, None],  # 6 of 14 occupied households; a state
    "physical_rate": [66.7, None, None],  # A1, A2 of the 3 assessed
    "tech_rate": [66.7, None, None],  # A1, B1 of the 3 assessed
    "registration_present": [3, 3, 3],
    "registration_rate": [66.7, 66.7, 0.0],  # registered 10 Jan 2026: not yet in 2025
    "key_entered": [1, 1, 0],
    "key_left": [1, 0, 0],
    "key_under": [1, 1, 0],
}


def ALL():
    return Compound.objects.all()


def street_compounds(city):
    return Compound.objects.filter(community__street=city.streets[0])


@pytest.fixture
def district(report_world, today):
    return report_figures(ALL(), MONTH, STREET, today)


def test_every_summary_figure_with_its_comparisons(district):
    assert set(district["summary"]) == set(FIGURES)
    assert district["summary"] == SUMMARY
    assert (district["month"], district["level"], district["built_on"]) == (
        "2026-10-01",
        STREET,
        "2026-12-06",
    )


def test_a_comparison_month_without_data_is_null(report_world, today):
    # September 2026 beside August 2026 and September 2025: nothing happened in either (the
    # compounds were due a self-check, which is not an event).
    september = report_figures(ALL(), BEFORE, STREET, today)["summary"]
    assert september["patrol_logs"] == [1, None, None]
    assert september["self_checks_due"] == [4, None, None]
    assert september["closure_rate"] == [100.0, None, None]
    assert all(before is None and year is None for _now, before, year in september.values())
    # October 2025 has its dispute, but September 2025 nothing: 环比 null, 同比 null.
    last_year = report_figures(ALL(), YEAR_BEFORE, STREET, today)["summary"]
    assert last_year["disputes_registered"] == [1, None, None]
    assert last_year["average_days"] == [2.0, None, None]


def test_an_empty_scope_has_zeros_and_no_rates(report_world, today):
    figures = report_figures(Compound.objects.none(), MONTH, STREET, today)
    summary = figures["summary"]
    assert summary["self_checks_due"] == [0, None, None]
    assert summary["pass_rate"] == summary["closure_rate"] == [None, None, None]
    assert summary["watch_coverage"] == summary["registration_rate"] == [None, None, None]
    assert summary["patrol_hours"] == [0.0, None, None]
    assert (figures["units"], figures["compounds"], figures["praised"]) == ([], [], [])
    assert figures["key_management"] == figures["items"] == []
    assert figures["rankings"]["checks"] == figures["rankings"]["checks_skipped"] == []
    assert set(figures["disputes_by_category"].values()) == {0}


def test_a_streets_row_in_the_district_report(district, report_world):
    street1, street2 = report_world.streets
    rows = {row["id"]: row for row in district["units"]}
    assert [row["name"] for row in district["units"]] == ["和平街道", "建设街道"]
    assert rows[street1.pk] == {
        "id": street1.pk,
        "code": "110105001",
        "name": "和平街道",
        "self_checks_due": 3,
        "self_checks_submitted": 3,
        "on_time_rate": 66.7,
        "self_checks_approved": 3,
        "passed": 1,
        "basic": 1,
        "failed": 1,
        "pass_rate": 33.3,
        "check_status": "",
        "score": None,
        "result": "",
        "supervisions": 1,
        "hazards_found": 2,
        "hazards_rectified": 1,
        "hazards_overdue": 0,
        "rectification_rate": 50.0,
        "disputes_registered": 3,
        "disputes_resolved": 1,
        "disputes_escalated": 1,
        "disputes_overdue": 1,
        "closure_rate": 33.3,
        "average_days": 3.0,
        "patrol_logs": 2,
        "patrol_hours": 3.5,
        "watch_coverage": 46.2,  # 6 of 13
        "registration_present": 2,
        "registration_rate": 50.0,
        "physical": 100.0,
        "tech": 50.0,
        "key_under": 1,
    }
    other = rows[street2.pk]
    assert (other["self_checks_due"], other["self_checks_submitted"], other["pass_rate"]) == (
        1,
        0,
        None,
    )
    assert (other["hazards_overdue"], other["disputes_registered"], other["closure_rate"]) == (
        1,
        1,
        0.0,
    )
    assert (other["patrol_logs"], other["watch_coverage"], other["registration_rate"]) == (
        0,
        0.0,
        100.0,
    )
    assert (other["physical"], other["tech"]) == (0.0, 100.0)


def test_a_compounds_row(district, report_world):
    rows = {row["code"]: row for row in district["compounds"]}
    assert list(rows) == ["A1", "A2", "N1", "B2", "B1"]  # by street, community, code
    a1 = rows["A1"]
    assert (a1["company"], a1["community"], a1["street"]) == ("甲物业公司", "幸福社区", "和平街道")
    assert (a1["check_status"], a1["score"], a1["result"]) == ("approved", 100.0, "pass")
    assert (a1["patrol_logs"], a1["patrol_hours"], a1["watch_coverage"]) == (2, 3.5, 60.0)
    assert (a1["physical"], a1["tech"]) == ("covered", "covered")
    a2 = rows["A2"]
    assert (a2["score"], a2["result"], a2["disputes_overdue"]) == (80.0, "basic", 1)
    assert (a2["physical"], a2["tech"]) == ("covered", "not_covered")
    n1 = rows["N1"]
    assert (n1["company"], n1["check_status"], n1["score"]) == ("", "", None)
    assert (n1["physical"], n1["registration_rate"]) == ("not_assessed", None)
    assert rows["B1"]["check_status"] == "draft"
    assert rows["B2"]["key_under"] == 1


def test_the_district_ranks_streets_above_the_minimum_and_names_the_rest(district, report_world):
    street1 = report_world.streets[0]
    assert district["rankings"] == {
        "checks": [street1.pk],  # 3 approved checks; 建设街道 has none
        "checks_skipped": ["建设街道"],
        "min_checks": 3,
        "cases": [street1.pk],  # 3 cases; 建设街道 1
        "cases_skipped": ["建设街道"],
        "min_cases": 3,
    }


def test_a_street_ranks_its_compounds(report_world, today, settings):
    settings.REPORT_RANKING_MIN_CASES = 1
    c = report_world.compounds
    figures = report_figures(street_compounds(report_world), MONTH, COMPOUND, today)
    assert [u["code"] for u in figures["units"]] == ["A1", "A2", "N1", "B2"]
    assert figures["units"] == figures["compounds"]
    ranks = figures["rankings"]
    # By the approved check's result, then score: A1 达标 100, A2 基本达标 80, then B2 不达标 by
    # its 否决项 though it scored 100 (a veto is never outranked by points); N1 has none.
    assert ranks["checks"] == [c["A1"].pk, c["A2"].pk, c["B2"].pk]
    assert (ranks["checks_skipped"], ranks["min_checks"]) == (["无物业小区"], 1)
    # By 结案率: A1 100 %; A2 and B2 0 %, by code.
    assert ranks["cases"] == [c["A1"].pk, c["A2"].pk, c["B2"].pk]
    assert ranks["cases_skipped"] == ["无物业小区"]


def test_praised_compounds_passed_with_a_high_score_and_nothing_overdue(
    district, report_world, today, settings
):
    c = report_world.compounds
    # A1: 达标, 100 points, nothing overdue. B2 scored 100 but is 不达标; A2 is 基本达标 with an
    # overdue dispute.
    assert district["praised"] == [c["A1"].pk]
    settings.REPORT_PRAISE_MIN_SCORE = 100
    assert report_figures(ALL(), MONTH, STREET, today)["praised"] == [c["A1"].pk]
    settings.REPORT_PRAISE_MIN_SCORE = 101
    assert report_figures(ALL(), MONTH, STREET, today)["praised"] == []


def test_the_key_management_list(district, report_world):
    c = report_world.compounds
    assert district["key_management"] == [
        {
            "compound_id": c["B1"].pk,
            "compound": "乙一小区",
            "started_on": "2026-09-10",
            "start_reason": "投诉多",
            "ended_on": "2026-10-20",
            "end_reason": "已整改",
            "entered": False,
            "left": True,
        },
        {
            "compound_id": c["B2"].pk,
            "compound": "乙二小区",
            "started_on": "2026-10-25",
            "start_reason": "消防隐患多",
            "ended_on": None,
            "end_reason": "",
            "entered": True,
            "left": False,
        },
    ]


def test_the_items_pass_rates(district):
    items = {item["code"]: item for item in district["items"]}
    assert len(items) == 13
    assert list(items) == sorted(items)
    assert items["LH-1"] == {
        "code": "LH-1",
        "section": "六好",
        "title": "组织领导好",
        "answered": 3,
        "passed": 2,  # A2 had 0 points
        "rate": 66.7,
    }
    assert (items["LH-3d"]["passed"], items["LH-3d"]["rate"]) == (2, 66.7)  # B2's 否决项
    assert items["SY-1"] == {
        "code": "SY-1",
        "section": "三有",
        "title": "有场所",
        "answered": 3,
        "passed": 3,
        "rate": 100.0,
    }


def test_disputes_by_category_and_by_level(district):
    by_category = {k: v for k, v in district["disputes_by_category"].items() if v}
    assert by_category == {"noise": 2, "parking": 1, "family": 1}
    # d3 was escalated to the street later: it counts where it was registered.
    assert district["disputes_by_level"] == {"community": 4, "street": 0, "district": 0}


# Queries do not grow with the streets and compounds -----------------------------------------


def another_street(city) -> None:
    """A third street with two compounds run by company A, each with a household and an
    approved self-check of the month."""
    street = f.StreetFactory(district=city.district, code="110105003", name="新华街道")
    community = f.CommunityFactory(street=street)
    for _ in range(2):
        compound = f.CompoundFactory(community=community)
        f.ManagementTermFactory(compound=compound, company=city.company_a)
        f.HouseholdFactory(compound=compound)
        approve(self_check(compound, city.manager_a, MONTH, submit_on=7), city.bureau, 8)


QUERIES = 54  # about 20 per month compared, a dozen for the places, a few for the lists


def test_the_number_of_queries_does_not_grow(report_world, django_assert_num_queries):
    def count():
        with time_machine.travel(TODAY, tick=False):
            return report_figures(ALL(), MONTH, STREET, TODAY.date())

    with django_assert_num_queries(QUERIES):
        figures = count()
    assert len(figures["units"]) == 2
    another_street(report_world)
    with django_assert_num_queries(QUERIES):
        figures = count()
    assert len(figures["units"]) == 3
    assert len(figures["compounds"]) == 7
    assert figures["summary"]["self_checks_approved"][0] == 5
    assert previous_month(MONTH) == BEFORE
