"""物防/技防 coverage against the hand-computed world of ``conftest_facilities``: figures per
scope (empty ones included), per community and street, the status and gaps of each compound
in words, and query counts that do not grow with the compounds."""

from decimal import Decimal

import pytest
from django.utils import translation

from communities.models import Compound
from patrols import facility_coverage as fc
from patrols.models import Facility, FacilityKind
from tests import factories as f
from tests.patrols.conftest_facilities import build_facilities, gate, whole

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilities(city):
    build_facilities(city)
    return city


def _figures(user):
    return fc.facility_coverage(Compound.objects.visible_to(user))


def test_bureau_figures_leave_compounds_without_entrances_out_of_the_rates(facilities):
    figures = _figures(facilities.bureau)
    assert (figures.compounds, figures.assessed, figures.not_assessed) == (5, 3, 2)
    assert (figures.physical_covered, figures.tech_covered) == (2, 2)
    assert figures.physical_rate == Decimal("66.7")
    assert figures.tech_rate == Decimal("66.7")
    assert (figures.physical_target, figures.tech_target) == (Decimal("90.0"), Decimal("85.0"))
    assert not figures.physical_meets_target


def test_street_figures_count_only_its_compounds(facilities):
    figures = _figures(facilities.street)  # A1, A2, N1, B2
    assert (figures.compounds, figures.assessed, figures.not_assessed) == (4, 2, 2)
    assert (figures.physical_rate, figures.tech_rate) == (Decimal("100.0"), Decimal("50.0"))
    assert figures.physical_meets_target and not figures.tech_meets_target


def test_company_figures(facilities):
    figures = _figures(facilities.manager_b)  # B1, B2
    assert (figures.assessed, figures.physical_covered, figures.tech_covered) == (1, 0, 1)
    assert (figures.physical_rate, figures.tech_rate) == (Decimal("0.0"), Decimal("100.0"))


def test_an_empty_scope_has_no_rates(facilities):
    figures = _figures(facilities.nobody)
    assert (figures.compounds, figures.assessed, figures.physical_covered) == (0, 0, 0)
    assert figures.physical_rate is None and figures.tech_rate is None
    assert not figures.physical_meets_target


def test_no_facility_at_all_means_nothing_assessed(city):
    figures = _figures(city.bureau)
    assert (figures.compounds, figures.assessed, figures.not_assessed) == (5, 0, 5)
    assert figures.physical_rate is None


def test_figures_per_community_and_street(facilities):
    compounds = Compound.objects.visible_to(facilities.bureau)
    by_community = {g.name: g.figures for g in fc.facility_coverage_by(compounds, "community")}
    assert set(by_community) == {"幸福社区", "团结社区", "光明社区"}
    happy = by_community["幸福社区"]
    assert (happy.compounds, happy.assessed, happy.physical_covered, happy.tech_covered) == (
        3,
        2,
        2,
        1,
    )
    assert by_community["团结社区"].assessed == 0
    assert by_community["团结社区"].tech_rate is None
    bright = by_community["光明社区"]
    assert (bright.physical_rate, bright.tech_rate) == (Decimal("0.0"), Decimal("100.0"))
    by_street = {g.name: g.figures for g in fc.facility_coverage_by(compounds, "street")}
    assert by_street["和平街道"].tech_rate == Decimal("50.0")
    assert by_street["建设街道"].physical_rate == Decimal("0.0")
    (district,) = fc.facility_coverage_by(compounds, "district")
    assert district.figures == fc.facility_coverage(compounds)


def test_each_compound_status(facilities):
    rows = {
        c.code: (fc.coverage_status(c, fc.PHYSICAL), fc.coverage_status(c, fc.TECH))
        for c in fc.annotate_coverage(Compound.objects.all())
    }
    assert rows == {
        "A1": (fc.COVERED, fc.COVERED),
        "A2": (fc.COVERED, fc.NOT_COVERED),
        "N1": (fc.NOT_ASSESSED, fc.NOT_ASSESSED),
        "B1": (fc.NOT_COVERED, fc.COVERED),
        "B2": (fc.NOT_ASSESSED, fc.NOT_ASSESSED),
    }


def test_the_gaps_tell_the_same_status_as_the_rule_in_sql(facilities):
    """The coverage list reads its page's statuses from the gaps (``Gaps.status``), the
    filter and the export from SQL (``covered_q``): the same answer for every compound."""
    _grow(facilities, 3)
    annotated = list(fc.annotate_coverage(Compound.objects.all()))
    gaps = fc.coverage_gaps_bulk(c.pk for c in annotated)
    for which in (fc.PHYSICAL, fc.TECH):
        in_sql = {c.code: fc.coverage_status(c, which) for c in annotated}
        in_words = {c.code: gaps[c.pk].status(which) for c in annotated}
        assert in_words == in_sql
    assert {fc.COVERED, fc.NOT_COVERED, fc.NOT_ASSESSED} <= set(in_sql.values())


def test_the_gaps_in_words(facilities):
    c = facilities.compounds
    with translation.override("zh-hans"):
        gaps = fc.coverage_gaps_bulk([c[code].pk for code in ("A1", "A2", "N1", "B1")])
    assert gaps[c["A1"].pk].physical == [] and gaps[c["A1"].pk].tech == []
    assert gaps[c["A2"].pk].physical == []
    assert gaps[c["A2"].pk].tech == ["东门 没有正常工作的门禁", "没有正常工作的报警点"]
    assert gaps[c["B1"].pk].physical == ["周界未封闭"]
    assert gaps[c["N1"].pk].assessed is False
    assert gaps[c["N1"].pk].tech == ["未登记出入口，不参与评估"]


def test_a_repaired_facility_closes_the_gap(facilities):
    from patrols import facility_services as fs

    a2 = facilities.compounds["A2"]
    broken = Facility.objects.get(compound=a2, kind=FacilityKind.ACCESS_CONTROL)
    fs.facility_set_in_service(actor=facilities.manager_a, facility=broken, in_service=True)
    whole(a2, FacilityKind.ALARM)
    assert fc.coverage_gaps(a2).tech == []
    assert _figures(facilities.street).tech_rate == Decimal("100.0")


def _grow(city, n):
    for i in range(n):
        compound = f.CompoundFactory(community=city.communities[i % 3])
        gate(compound, "大门")
        whole(compound, FacilityKind.PERIMETER)


def test_query_counts_do_not_grow_with_compounds(facilities, django_assert_num_queries):
    compounds = Compound.objects.visible_to(facilities.bureau)
    ids = list(compounds.values_list("pk", flat=True))
    with django_assert_num_queries(1):
        fc.facility_coverage(compounds)
    with django_assert_num_queries(1):
        fc.facility_coverage_by(compounds, "community")
    with django_assert_num_queries(2):
        fc.coverage_gaps_bulk(ids)
    _grow(facilities, 9)
    ids = list(compounds.values_list("pk", flat=True))
    with django_assert_num_queries(1):
        figures = fc.facility_coverage(compounds)
    with django_assert_num_queries(1):
        groups = fc.facility_coverage_by(compounds, "community")
    with django_assert_num_queries(2):
        gaps = fc.coverage_gaps_bulk(ids)
    assert figures.compounds == 14 and figures.assessed == 12 and figures.physical_covered == 11
    assert sum(g.figures.compounds for g in groups) == 14
    assert len(gaps) == 14
