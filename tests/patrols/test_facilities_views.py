"""The facilities pages for each role: the coverage list (figures, groups, filters, gaps),
a compound's facilities page and its actions, the compound page's panel, the export; another
area's compound or facility is a 404 like a missing one, a role without the permission gets
403; query counts of the coverage list pinned at two data sizes."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from communities.exports.writer import INFO_SHEET
from patrols.facility_exporting import COVERAGE_SHEET, FACILITIES_SHEET, FIGURES_SHEET
from patrols.models import Entrance, Facility, FacilityKind
from tests import factories as f
from tests.conftest import EXPECTED_COMPOUNDS
from tests.patrols.conftest_facilities import build_facilities, gate, whole

pytestmark = pytest.mark.django_db
COVERAGE = reverse("patrols:coverage_list")
EXPORT = reverse("patrols:facility_export")


@pytest.fixture
def facilities(city):
    build_facilities(city)
    return city


def _page(code):
    return reverse("patrols:facility_compound", args=[code])


def _listed(response) -> set[str]:
    return {c.code for c in response.context["compounds"]}


@pytest.mark.parametrize("who", ["bureau", "street", "community", "manager_a", "viewer_a"])
def test_the_coverage_list_shows_the_users_compounds(client, facilities, who):
    client.force_login(getattr(facilities, who))
    response = client.get(COVERAGE)
    assert response.status_code == 200
    assert _listed(response) == EXPECTED_COMPOUNDS[who]


def test_the_bureau_sees_rates_by_street_and_community(client, facilities):
    client.force_login(facilities.bureau)
    response = client.get(COVERAGE)
    figures = response.context["figures"]
    assert (str(figures.physical_rate), str(figures.tech_rate)) == ("66.7", "66.7")
    groups = dict(response.context["groups"])
    assert [g.name for g in groups["street"]] == ["和平街道", "建设街道"]
    assert len(groups["community"]) == 3
    body = response.content.decode()
    assert 'data-figure="physical_rate">66.7%' in body
    assert 'data-testid="groups-street"' in body


def test_past_the_limit_the_bureau_sees_a_streets_communities_once_it_is_chosen(
    client, facilities, monkeypatch
):
    monkeypatch.setattr("communities.selectors.COMMUNITY_CHOICES_MAX", 1)
    client.force_login(facilities.bureau)
    response = client.get(COVERAGE)
    assert [g for g, _rows in response.context["groups"]] == ["street"]
    assert 'data-testid="communities-wait"' in response.content.decode()
    street1 = facilities.streets[0]
    response = client.get(COVERAGE, {"street": street1.pk})
    groups = dict(response.context["groups"])
    assert [g.name for g in groups["community"]] == ["幸福社区", "团结社区"]
    assert 'data-testid="communities-wait"' not in response.content.decode()
    # a street the form refuses keeps its figures apart: the plain page is unchanged after it
    cache.clear()
    refused = client.get(COVERAGE, {"street": 999999})  # none of the bureau's streets
    assert refused.context["refused_filters"]
    plain = client.get(COVERAGE)
    assert [g for g, _rows in plain.context["groups"]] == ["street"]


def test_a_street_sees_rates_by_community_and_a_company_none(client, facilities):
    client.force_login(facilities.street)
    assert [g for g, _rows in client.get(COVERAGE).context["groups"]] == ["community"]
    client.force_login(facilities.manager_a)
    assert client.get(COVERAGE).context["groups"] == []


def test_the_filters_narrow_the_list_and_the_figures(client, facilities):
    client.force_login(facilities.bureau)
    street2 = facilities.streets[1]
    response = client.get(COVERAGE, {"street": street2.pk})
    assert _listed(response) == {"B1"}
    assert response.context["figures"].compounds == 1
    assert _listed(client.get(COVERAGE, {"status": "not_assessed"})) == {"N1", "B2"}
    assert _listed(client.get(COVERAGE, {"status": "tech_gap"})) == {"A2"}
    assert _listed(client.get(COVERAGE, {"status": "physical_gap"})) == {"B1"}
    assert _listed(client.get(COVERAGE, {"status": "covered"})) == {"A1"}
    response = client.get(COVERAGE, {"status": "covered"})
    assert response.context["figures"].compounds == 5  # the figures ignore the status filter


def test_a_street_outside_the_scope_is_refused_not_applied(client, facilities):
    client.force_login(facilities.community)
    response = client.get(COVERAGE, {"street": facilities.streets[1].pk})
    assert response.context["refused_filters"]
    assert _listed(response) == EXPECTED_COMPOUNDS["community"]


def test_the_list_shows_the_gaps_in_words(client, facilities):
    client.force_login(facilities.manager_a)
    response = client.get(COVERAGE, HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    gaps = {c.code: c.gaps for c in response.context["compounds"]}
    assert len(gaps["A2"].tech) == 2
    assert gaps["A2"].tech[0] in body


def test_without_the_permission_the_pages_are_403(client, facilities):
    client.force_login(facilities.nobody)
    assert client.get(COVERAGE).status_code == 403
    assert client.get(_page("A1")).status_code == 403


def test_the_compound_page_and_its_status(client, facilities):
    client.force_login(facilities.manager_a)
    response = client.get(_page("A2"))
    assert response.status_code == 200
    assert (response.context["physical_status"], response.context["tech_status"]) == (
        "covered",
        "not_covered",
    )
    assert [e.name for e in response.context["entrances"]] == ["东门"]
    assert {f.kind for f in response.context["others"]} == {FacilityKind.PERIMETER}


@pytest.mark.parametrize("who", ["street", "community", "manager_a", "viewer_a"])
def test_another_areas_compound_is_a_404_like_a_missing_one(client, facilities, who):
    client.force_login(getattr(facilities, who))
    assert client.get(_page("B1")).status_code == 404
    assert client.get(_page("NO-SUCH")).status_code == 404
    facility = Facility.objects.filter(compound__code="B1").first()
    entrance = Entrance.objects.get(compound__code="B1")
    for name, pk in [
        ("patrols:facility_edit", facility.pk),
        ("patrols:facility_entrance_edit", entrance.pk),
    ]:
        if getattr(facilities, who).has_perm("patrols.change_facility"):
            assert client.get(reverse(name, args=[pk])).status_code == 404
    if getattr(facilities, who).has_perm("patrols.change_facility"):
        url = reverse("patrols:facility_out_of_service", args=[facility.pk])
        assert client.post(url).status_code == 404
        facility.refresh_from_db()
        assert facility.out_of_service_since is None


def test_a_viewer_cannot_change_anything(client, facilities):
    client.force_login(facilities.viewer_a)
    facility = Facility.objects.filter(compound__code="A1").first()
    assert (
        client.post(reverse("patrols:facility_out_of_service", args=[facility.pk])).status_code
        == 403
    )
    assert client.get(reverse("patrols:facility_add", args=["A1"])).status_code == 403
    page = client.get(_page("A1")).content.decode()
    assert 'data-testid="mark-out-of-service"' not in page


def test_a_manager_adds_an_entrance_and_a_facility(client, facilities):
    client.force_login(facilities.manager_a)
    response = client.post(
        reverse("patrols:facility_entrance_add", args=["A2"]), {"name": "西门", "kind": "vehicle"}
    )
    assert response.status_code == 302
    west = Entrance.objects.get(compound__code="A2", name="西门")
    response = client.post(
        reverse("patrols:facility_add", args=["A2"]),
        {
            "kind": "camera",
            "location": "entrance",
            "entrance": west.pk,
            "quantity": 2,
            "in_service": "on",
        },
    )
    assert response.status_code == 302
    assert Facility.objects.filter(entrance=west, kind="camera", quantity=2).exists()


def test_a_refused_facility_keeps_the_form_and_writes_nothing(client, facilities):
    client.force_login(facilities.manager_a)
    before = Facility.objects.count()
    response = client.post(
        reverse("patrols:facility_add", args=["A2"]),
        {"kind": "alarm", "location": "building", "quantity": 1, "in_service": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["building"]
    assert Facility.objects.count() == before


def test_another_compounds_entrance_cannot_be_chosen(client, facilities):
    client.force_login(facilities.manager_a)
    other = Entrance.objects.filter(compound__code="A1").first()  # A1 is visible, not A2's
    response = client.post(
        reverse("patrols:facility_add", args=["A2"]),
        {"kind": "camera", "location": "entrance", "entrance": other.pk, "quantity": 1},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["entrance"]


def test_out_of_service_and_repaired(client, facilities):
    client.force_login(facilities.manager_a)
    facility = Facility.objects.get(compound__code="A2", kind=FacilityKind.ACCESS_CONTROL)
    assert client.post(reverse("patrols:facility_repaired", args=[facility.pk])).status_code == 302
    facility.refresh_from_db()
    assert facility.in_service and facility.out_of_service_since is None
    assert (
        client.post(reverse("patrols:facility_out_of_service", args=[facility.pk])).status_code
        == 302
    )
    facility.refresh_from_db()
    assert not facility.in_service and facility.out_of_service_since is not None


def test_the_compound_page_shows_the_panel(client, facilities):
    client.force_login(facilities.manager_a)
    response = client.get(reverse("communities:compound_detail", args=["A2"]))
    body = response.content.decode()
    assert 'data-testid="facility-panel"' in body
    assert reverse("patrols:facility_compound", args=["A2"]) in body


def _book(response):
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content))


def test_the_export_holds_the_listed_compounds_only(client, facilities):
    client.force_login(facilities.street)
    book = _book(client.post(EXPORT))
    rows = list(book[FACILITIES_SHEET].iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} == {"A1", "A2"}  # N1, B2 have no facility
    coverage = list(book[COVERAGE_SHEET].iter_rows(values_only=True))
    assert {row[0] for row in coverage[1:]} == {"A1", "A2", "N1", "B2"}
    a2 = next(row for row in coverage if row[0] == "A2")
    assert a2[4] == "已覆盖" and a2[6] == "未覆盖"
    assert "门禁" in a2[7]
    figures = {row[0]: row[1] for row in book[FIGURES_SHEET].iter_rows(values_only=True)}
    assert figures["技防覆盖率"] == "50.0%"
    assert INFO_SHEET in book.sheetnames


def test_the_export_follows_the_lists_filters(client, facilities):
    client.force_login(facilities.bureau)
    book = _book(client.post(f"{EXPORT}?street={facilities.streets[1].pk}"))
    rows = list(book[FACILITIES_SHEET].iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} == {"B1"}


def test_a_company_exports_its_own_compounds_only(client, facilities):
    client.force_login(facilities.manager_b)
    book = _book(client.post(f"{EXPORT}?street={facilities.streets[0].pk}"))
    rows = list(book[FACILITIES_SHEET].iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} <= {"B1", "B2"}
    coverage = list(book[COVERAGE_SHEET].iter_rows(values_only=True))
    assert {row[0] for row in coverage[1:]} == {"B2"}


def test_without_the_export_permission_the_export_is_403(client, facilities):
    client.force_login(facilities.nobody)
    assert client.post(EXPORT).status_code == 403


def _grow(city, n):
    for i in range(n):
        compound = f.CompoundFactory(community=city.communities[i % 3])
        f.ManagementTermFactory(compound=compound, company=city.company_a)
        gate(compound, "大门")
        gate(compound, "小门", broken=(FacilityKind.CAMERA,))
        whole(compound, FacilityKind.PERIMETER)


@pytest.mark.parametrize("who", ["bureau", "street", "manager_a"])
def test_coverage_list_query_count_is_pinned(
    client, facilities, who, django_assert_max_num_queries
):
    client.force_login(getattr(facilities, who))
    with django_assert_max_num_queries(20) as small:
        assert client.get(COVERAGE).status_code == 200
    _grow(facilities, 30)
    with django_assert_max_num_queries(20) as large:
        response = client.get(COVERAGE)
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(response.context["compounds"]) > len(EXPECTED_COMPOUNDS[who])


def test_compound_facilities_page_query_count_is_pinned(
    client, facilities, django_assert_max_num_queries
):
    client.force_login(facilities.manager_a)
    with django_assert_max_num_queries(20) as small:
        assert client.get(_page("A1")).status_code == 200
    a1 = facilities.compounds["A1"]
    for i in range(6):
        gate(a1, f"{i}号门")
        whole(a1, FacilityKind.LIGHTING)
    with django_assert_max_num_queries(20) as large:
        assert client.get(_page("A1")).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_pages_carry_no_inline_script_or_style(client, facilities):
    from tests.test_content_security import inline_code

    client.force_login(facilities.street)
    facility = Facility.objects.filter(compound__code="A1").first()
    entrance = Entrance.objects.filter(compound__code="A1").first()
    urls = [
        COVERAGE,
        _page("A1"),
        reverse("patrols:facility_add", args=["A1"]),
        reverse("patrols:facility_entrance_add", args=["A1"]),
        reverse("patrols:facility_edit", args=[facility.pk]),
        reverse("patrols:facility_entrance_edit", args=[entrance.pk]),
        reverse("communities:compound_detail", args=["A1"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.content.decode()).found == [], url


def test_the_export_query_count_does_not_grow(client, facilities, django_assert_max_num_queries):
    client.force_login(facilities.bureau)
    with django_assert_max_num_queries(40) as small:
        _book(client.post(EXPORT))
    _grow(facilities, 20)
    with django_assert_max_num_queries(40) as large:
        book = _book(client.post(EXPORT))
    assert len(list(book[COVERAGE_SHEET].iter_rows())) == 1 + 5 + 20
    assert len(large.captured_queries) == len(small.captured_queries)
