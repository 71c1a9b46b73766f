"""Compounds are chosen by typing, never listed whole (issue 14): the shared field and widget
(``communities/compound_choice.py``), the typeahead's endpoint, the admin's autocomplete list
filter, and a cap on the ``<option>`` elements of every list and "new" page."""

import json
import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver
from django.utils import timezone, translation

from communities.activities.forms import ActivityForm
from communities.activities.selectors import communities_for_recording, compounds_for_recording
from communities.activities.views import filter_form as activity_filter_form
from communities.compound_choice import MATCHES_MAX
from communities.exports.filters import describe_form
from communities.models import (
    Community,
    Compound,
    Household,
    ManagementMode,
    Organisation,
    OrganisationKind,
    Resident,
    ResidentKind,
    Street,
)
from communities.residents.filters import WorklistFilters
from communities.selectors import compounds_for_filter
from disputes.forms import CaseFilterForm, CaseRegisterForm
from disputes.selectors import compounds_for_case_register
from inspections.forms.checks import CheckFilterForm, OpenCheckForm
from inspections.forms.hazards import HazardFilterForm, HazardRaiseForm, KeyManagementEnterForm
from inspections.selectors.checks import compounds_for_checks
from inspections.selectors.hazards import compounds_for_hazard_raise
from inspections.selectors.key_management import compounds_for_key_management_enter
from patrols.models import PatrolTeam, TeamKind
from patrols.services_teams import organisations_run_by
from patrols.team_forms import PatrolFilterForm, TeamForm
from patrols.team_selectors import filter_places
from tests.conftest import EXPECTED_COMPOUNDS

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = "communities:compound_autocomplete"
WORKBENCH_NAMESPACES = ("communities", "inspections", "disputes", "patrols", "reports")
#: no page may carry more <option> elements than this, however many compounds are in scope
OPTIONS_MAX = 60
EXTRA_COMPOUNDS = 80
OPTION = re.compile(r"<option\b")
EXTRA_NAME = re.compile(r"批量小区ZZ\d{4}")
#: the crowded communities, their committees and the teams: thousands in a province, never listed
EXTRA_PLACE = re.compile(r"批量社区\d{2}|批量队\d{2}")


def add_compounds(community, count: int, prefix: str = "ZZ") -> list[Compound]:
    """Compounds in bulk (one statement): more than any page could list."""
    return Compound.objects.bulk_create(
        Compound(
            community=community,
            code=f"{prefix}{n:04d}",
            name=f"批量小区{prefix}{n:04d}",
            address=f"批量路{n}号",
            management_mode=ManagementMode.QUASI,
            household_count=10,
            building_count=1,
            year_built=2000,
        )
        for n in range(count)
    )


@pytest.fixture
def crowded(city):
    """The cast's city with 80 more compounds in street 1's community 1 (bureau, street and
    community see them all)."""
    add_compounds(city.communities[0], EXTRA_COMPOUNDS)
    return city


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pages_without_arguments(namespace: str) -> list[str]:
    resolver = get_resolver().namespace_dict[namespace][1]
    names = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and not pattern.pattern.regex.groupindex
            ):
                names.append(f"{namespace}:{pattern.name}")

    walk(resolver.url_patterns)
    return sorted(set(names))


def add_households(compounds) -> None:
    """One household and one resident in each compound, so a related-only list filter would
    name every one of them."""
    households = Household.objects.bulk_create(
        Household(compound=c, building="1", unit="1", room="101", residents=1) for c in compounds
    )
    Resident.objects.bulk_create(
        Resident(household=h, name="居民", id_number=f"X{h.pk}", kind=ResidentKind.REGISTERED)
        for h in households
    )


def codes(results) -> set[str]:
    return {row["text"].rsplit("（", 1)[1].rstrip("）") for row in results}


def autocomplete(client, **params) -> list[dict]:
    response = client.get(reverse(AUTOCOMPLETE), params)
    assert response.status_code == 200
    return json.loads(response.content)["results"]


# The endpoint ------------------------------------------------------------------------------------


def test_the_endpoint_asks_for_a_login(city):
    response = Client().get(reverse(AUTOCOMPLETE), {"q": "甲"})
    assert response.status_code == 302
    assert "/login" in response["Location"] or "/accounts/" in response["Location"]


@pytest.mark.parametrize("who", sorted(EXPECTED_COMPOUNDS))
def test_the_endpoint_offers_only_the_compounds_the_user_sees(city, who):
    results = autocomplete(as_user(getattr(city, who)), q="")
    assert codes(results) == EXPECTED_COMPOUNDS[who]


def test_a_manager_never_gets_another_companys_compound_by_searching_it(city):
    client = as_user(city.manager_a)
    assert autocomplete(client, q="乙一") == []
    assert autocomplete(client, q="B1") == []
    assert autocomplete(client, q=city.compounds["B1"].address) == []


def test_a_street_office_gets_only_its_streets_compounds(city):
    assert codes(autocomplete(as_user(city.street), q="小区")) == {"A1", "A2", "N1", "B2"}


def test_the_endpoint_finds_by_name_code_or_address_and_labels_name_and_code(city):
    client = as_user(city.bureau)
    assert autocomplete(client, q="甲一") == [
        {"id": city.compounds["A1"].pk, "text": "甲一小区（A1）"}
    ]
    assert codes(autocomplete(client, q="n1")) == {"N1"}
    assert codes(autocomplete(client, q=city.compounds["B2"].address)) == {"B2"}
    assert codes(autocomplete(client, q="乙 二")) == {"B2"}  # every word must match


def test_the_endpoint_answers_at_most_twenty_by_name(crowded):
    results = autocomplete(as_user(crowded.bureau), q="批量")
    assert len(results) == MATCHES_MAX == 20
    names = [row["text"] for row in results]
    assert names == sorted(names)


def test_the_endpoint_narrows_to_a_street_and_names_the_company_when_asked(city):
    client = as_user(city.bureau)
    street2 = city.streets[1]
    assert codes(autocomplete(client, q="", street=street2.pk)) == {"B1"}
    (row,) = autocomplete(client, q="A1", company="1")
    assert row["company"] == city.company_a.name
    (row,) = autocomplete(client, q="N1", company="1")
    assert row["company"] == ""


def test_the_endpoint_reads_the_same_number_of_queries_at_any_size(city, django_assert_num_queries):
    client = as_user(city.bureau)
    autocomplete(client, q="小区")  # the session and the scope are read once per request

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            autocomplete(client, q="小区", company="1")
        return len(queries)

    small = count()
    add_compounds(city.communities[0], EXTRA_COMPOUNDS)
    assert count() == small


# The fields ------------------------------------------------------------------------------------


def compound_value(form) -> int | None:
    form.is_valid()
    value = form.cleaned_data.get("compound")
    return getattr(value, "pk", value)


def filter_forms(user, data):
    """Every workbench list's filter form with a compound filter, built as its page builds it."""
    compounds = compounds_for_filter(user=user)
    return {
        "disputes": CaseFilterForm(data, compounds=compounds),
        "hazards": HazardFilterForm(data, compounds=compounds),
        "activities": activity_filter_form(user, data),
        "patrols": PatrolFilterForm(data, places=filter_places(user)),
        "residents": WorklistFilters(user, data),
    }


def test_a_list_filter_takes_a_visible_compound(city):
    a1 = city.compounds["A1"]
    for name, form in filter_forms(city.manager_a, {"compound": str(a1.pk)}).items():
        assert compound_value(form) == a1.pk, name
        assert form.refused() == [], name


@pytest.mark.parametrize("raw", ["B1", "１", "abc", "999999"])
def test_a_list_filter_leaves_out_and_reports_a_compound_it_may_not_use(city, raw):
    value = str(city.compounds["B1"].pk) if raw == "B1" else raw
    if raw == "１":  # A1's id in full-width digits: not an id a select offers
        value = "".join(chr(ord(d) + 0xFEE0) for d in str(city.compounds["A1"].pk))
    for name, form in filter_forms(city.manager_a, {"compound": value}).items():
        assert compound_value(form) is None, name
        assert [label for label, _ in form.refused()] == ["小区"], name


def test_the_checks_filter_and_the_forms_that_open_a_check_refuse_an_invisible_compound(city):
    compounds = compounds_for_checks(user=city.manager_a)
    a1, b1 = city.compounds["A1"], city.compounds["B1"]
    assert compound_value(CheckFilterForm({"compound": a1.pk}, compounds=compounds)) == a1.pk
    refused = CheckFilterForm({"compound": b1.pk}, compounds=compounds)
    assert not refused.is_valid() and "compound" in refused.errors
    month = timezone.localdate().strftime("%Y-%m")
    assert OpenCheckForm({"compound": a1.pk, "month": month}, compounds=compounds).is_valid()
    refused = OpenCheckForm({"compound": b1.pk, "month": month}, compounds=compounds)
    assert not refused.is_valid() and "compound" in refused.errors


def test_the_forms_that_choose_one_compound_accept_a_visible_one_and_refuse_another(city):
    user = city.manager_a
    a1, b1 = city.compounds["A1"], city.compounds["B1"]
    forms_for = {
        "case": lambda data: CaseRegisterForm(
            data, compounds=compounds_for_case_register(user=user), levels=["community"]
        ),
        "hazard": lambda data: HazardRaiseForm(
            data, compounds=compounds_for_hazard_raise(user=user)
        ),
        "key management": lambda data: KeyManagementEnterForm(
            data, compounds=compounds_for_key_management_enter(user=user)
        ),
        "activity": lambda data: ActivityForm(
            data,
            compounds=compounds_for_recording(user=user),
            communities=communities_for_recording(user=user),
        ),
    }
    for name, build in forms_for.items():
        accepted = build({"compound": str(a1.pk)})
        accepted.is_valid()
        assert "compound" not in accepted.errors, name
        assert accepted.cleaned_data["compound"] == a1, name
        refused = build({"compound": str(b1.pk)})
        assert not refused.is_valid(), name
        assert "compound" in refused.errors, name


def test_the_team_form_takes_several_visible_compounds_and_refuses_any_other(city):
    user = city.street
    compounds = Compound.objects.visible_to(user)
    organisations = organisations_run_by(user)
    a1, a2, b1 = (city.compounds[c] for c in ("A1", "A2", "B1"))
    data = {"organisation": organisations.first().pk, "kind": TeamKind.choices[0][0], "name": "x"}
    form = TeamForm(
        {**data, "compounds": [a1.pk, a2.pk]}, organisations=organisations, compounds=compounds
    )
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["compounds"]) == {a1, a2}
    refused = TeamForm(
        {**data, "compounds": [a1.pk, b1.pk]}, organisations=organisations, compounds=compounds
    )
    assert not refused.is_valid() and "compounds" in refused.errors


def test_the_widget_renders_only_the_chosen_compound_and_where_to_ask(crowded):
    a1 = crowded.compounds["A1"]
    form = CaseFilterForm(
        {"compound": str(a1.pk)}, compounds=compounds_for_filter(user=crowded.bureau)
    )
    html = str(form["compound"])
    assert OPTION.findall(html) == ["<option", "<option"]
    assert ">全部</option>" in html or ">All</option>" in html
    assert "甲一小区（A1）" in html
    assert f'data-autocomplete-url="{reverse(AUTOCOMPLETE)}"' in html
    several = CaseRegisterForm(
        compounds=compounds_for_case_register(user=crowded.bureau), levels=["community"]
    )
    assert len(OPTION.findall(str(several["compound"]))) == 1  # only 请选择


def test_the_export_names_the_chosen_compound_by_its_label(city):
    a1 = city.compounds["A1"]
    form = CaseFilterForm(
        {"compound": str(a1.pk)}, compounds=compounds_for_filter(user=city.bureau)
    )
    with translation.override("zh-hans"):
        assert describe_form(form) == "小区：甲一小区（A1）"


# The admin -------------------------------------------------------------------------------------


def changelist_rows(response) -> int:
    return len(response.context["cl"].result_list)


def test_the_admin_compound_filter_narrows_the_households(crowded):
    add_households(Compound.objects.filter(code__startswith="ZZ"))
    client = as_user(crowded.bureau)
    a1 = crowded.compounds["A1"]
    url = reverse("admin:communities_household_changelist")
    response = client.get(url, {"compound__id__exact": a1.pk})
    assert response.status_code == 200
    assert {h.compound_id for h in response.context["cl"].result_list} == {a1.pk}
    html = response.content.decode()
    assert 'data-autocomplete-filter="compound__id__exact"' in html
    assert "admin/js/autocomplete.js" in html and "js/admin-autocomplete-filter.js" in html
    assert f'<option value="{a1.pk}" selected>甲一小区</option>' in html


def test_an_admin_filter_on_a_compound_outside_the_scope_gives_no_rows(city):
    client = as_user(city.manager_a)
    b1 = city.compounds["B1"]
    for url, param in (
        ("admin:communities_household_changelist", "compound__id__exact"),
        ("admin:communities_resident_changelist", "household__compound__id__exact"),
        ("admin:disputes_disputecase_changelist", "compound__id__exact"),
    ):
        response = client.get(reverse(url), {param: b1.pk})
        assert response.status_code == 200, url
        assert changelist_rows(response) == 0, url
        assert "乙一小区" not in response.content.decode(), url


def test_the_admin_autocomplete_behind_the_filter_is_scoped(city):
    response = as_user(city.manager_a).get(
        reverse("admin:autocomplete"),
        {
            "app_label": "communities",
            "model_name": "household",
            "field_name": "compound",
            "term": "小区",
        },
    )
    assert response.status_code == 200
    names = {row["text"] for row in json.loads(response.content)["results"]}
    assert names == {"甲一小区", "甲二小区"}


# No page lists the compounds whole -------------------------------------------------------------


def page_urls() -> list[str]:
    urls = [
        reverse(name)
        for namespace in WORKBENCH_NAMESPACES
        for name in pages_without_arguments(namespace)
    ]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls += [
            reverse("admin:{}_{}_changelist".format(*info)),
            reverse("admin:{}_{}_add".format(*info)),
        ]
    return [*urls, reverse("admin:inspections_keymanagement_enter")]


def add_streets_and_teams(city, count: int) -> None:
    """``count`` more streets in the cast's district, each with a community and its committee
    (an organisation), and ``count`` more patrol teams of street 1's office covering A1: more
    than any filter or form could list."""
    district = city.streets[0].district
    streets = Street.objects.bulk_create(
        Street(district=district, code=f"1101059{n:02d}", name=f"批量街道{n:02d}")
        for n in range(count)
    )
    communities = Community.objects.bulk_create(
        Community(street=s, code=f"{s.code}001", name=f"批量社区{n:02d}")
        for n, s in enumerate(streets)
    )
    Organisation.objects.bulk_create(
        Organisation(
            name=f"批量社区{n:02d}居委会", kind=OrganisationKind.COMMUNITY_COMMITTEE, community=c
        )
        for n, c in enumerate(communities)
    )
    teams = PatrolTeam.objects.bulk_create(
        PatrolTeam(organisation=city.org.street, kind=TeamKind.OFFICERS, name=f"批量队{n:02d}")
        for n in range(count)
    )
    PatrolTeam.compounds.through.objects.bulk_create(
        PatrolTeam.compounds.through(patrolteam=t, compound=city.compounds["A1"]) for t in teams
    )


def test_no_page_lists_more_than_a_fixed_number_of_options_or_compounds(crowded):
    add_households(Compound.objects.filter(code__startswith="ZZ"))
    add_streets_and_teams(crowded, EXTRA_COMPOUNDS)
    client = as_user(crowded.bureau)
    seen, too_many = 0, []
    for url in page_urls():
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        html = response.content.decode()
        options = len(OPTION.findall(html))
        # The extra compounds named anywhere (a list page shows a page of rows: at most 50).
        named = max(len(set(EXTRA_NAME.findall(html))), len(set(EXTRA_PLACE.findall(html))))
        if options > OPTIONS_MAX or named > OPTIONS_MAX:
            too_many.append((url, options, named))
    assert seen > 40  # the lists, the "new" pages and the admin's lists and add pages
    assert too_many == [], too_many
