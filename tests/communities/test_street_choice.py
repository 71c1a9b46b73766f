"""A street filter past ``STREET_CHOICES_MAX`` streets is a typeahead (issue 14,
``communities/street_choice.py``): the pages render only the chosen street, the endpoint
answers the user's streets alone, an id outside them filters nothing, and a chosen street still
narrows the list. Below the limit the select is as it was."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from communities import street_choice
from communities.exports.filters import describe_form
from communities.list_filters import compound_list_filters
from communities.models import Street
from communities.residents.filters import WorklistFilters
from patrols.facility_forms import CoverageFilterForm
from patrols.facility_selectors import communities_for_filter, compounds_for_coverage

pytestmark = pytest.mark.django_db

OPTION = re.compile(r"<option\b")
HOME = reverse("communities:home")
WORKLIST = reverse("communities:resident_worklist")
ENDPOINT = reverse("communities:street_autocomplete")


@pytest.fixture
def few(monkeypatch):
    """The cast's district (two streets) counts as many."""
    monkeypatch.setattr(street_choice, "STREET_CHOICES_MAX", 1)


def street_select(html: str) -> str:
    found = re.search(r'<select[^>]*name="street".*?</select>', html, re.S)
    assert found, "no street filter"
    return found.group(0)


def test_below_the_limit_every_street_is_an_option(client, city):
    client.force_login(city.bureau)
    select = street_select(client.get(HOME).content.decode())
    assert "data-autocomplete-url" not in select
    assert len(OPTION.findall(select)) == 3  # All, 和平街道, 建设街道


@pytest.mark.parametrize("url", [HOME, WORKLIST])
def test_past_the_limit_only_the_chosen_street_is_rendered(client, city, few, url):
    client.force_login(city.bureau)
    street2 = city.streets[1]
    select = street_select(client.get(url).content.decode())
    assert f'data-autocomplete-url="{ENDPOINT}"' in select
    assert len(OPTION.findall(select)) == 1  # "All"
    select = street_select(client.get(url, {"street": street2.pk}).content.decode())
    assert len(OPTION.findall(select)) == 2
    assert f'value="{street2.pk}" selected' in select
    assert "建设街道" in select
    assert "和平街道" not in select


def test_a_chosen_street_still_narrows_the_home_list(city, few):
    street2 = city.streets[1]
    filters = compound_list_filters(city.bureau, {"street": str(street2.pk)})
    assert filters.street_id == street2.pk
    assert {c.code for c in filters.compounds(city.bureau)} == {"B1"}
    # another district's street, or no number, filters nothing
    assert compound_list_filters(city.street, {"street": str(street2.pk)}).street_id is None
    assert compound_list_filters(city.bureau, {"street": "１"}).street_id is None


def test_a_chosen_street_still_narrows_the_work_list(city, few):
    street2 = city.streets[1]
    filters = WorklistFilters(city.bureau, {"street": str(street2.pk)})
    assert filters.value("street") == street2.pk
    assert set(filters.compounds().values_list("code", flat=True)) == {"B1"}
    refused = WorklistFilters(city.street, {"street": str(street2.pk)})
    assert refused.value("street") is None
    assert "street" in refused.errors


def test_the_endpoint_answers_the_users_streets_matching_the_words(client, city):
    street1, street2 = city.streets

    def answer(user, q=""):
        client.force_login(user)
        response = client.get(ENDPOINT, {"q": q})
        assert response.status_code == 200
        return json.loads(response.content)["results"]

    assert answer(city.bureau) == [
        {"id": street1.pk, "text": "和平街道"},
        {"id": street2.pk, "text": "建设街道"},
    ]
    assert answer(city.bureau, "建设") == [{"id": street2.pk, "text": "建设街道"}]
    assert answer(city.bureau, "110105001") == [{"id": street1.pk, "text": "和平街道"}]
    assert answer(city.street) == [{"id": street1.pk, "text": "和平街道"}]
    assert answer(city.street, "建设") == []
    assert answer(city.manager_b) == [  # B1 and B2 lie in both streets
        {"id": street1.pk, "text": "和平街道"},
        {"id": street2.pk, "text": "建设街道"},
    ]
    assert answer(city.nobody) == []
    client.logout()
    assert client.get(ENDPOINT).status_code == 302


def test_an_exports_filter_sheet_names_the_typed_street(city, few):
    street2 = city.streets[1]
    filters = WorklistFilters(city.bureau, {"street": str(street2.pk)})
    with translation.override("zh-hans"):
        assert "街道：建设街道" in describe_form(filters)


ACTIVITIES = reverse("communities:activity_list")
COVERAGE = reverse("patrols:coverage_list")


@pytest.mark.parametrize("url", [ACTIVITIES, COVERAGE])
def test_the_activities_and_the_coverage_lists_type_a_street_past_the_limit(client, city, few, url):
    client.force_login(city.bureau)
    street2 = city.streets[1]
    select = street_select(client.get(url).content.decode())
    assert f'data-autocomplete-url="{ENDPOINT}"' in select
    assert len(OPTION.findall(select)) == 1
    select = street_select(client.get(url, {"street": street2.pk}).content.decode())
    assert len(OPTION.findall(select)) == 2
    assert f'value="{street2.pk}" selected' in select


@pytest.mark.parametrize("url", [ACTIVITIES, COVERAGE])
def test_below_the_limit_the_activities_and_the_coverage_lists_offer_a_select(client, city, url):
    client.force_login(city.bureau)
    select = street_select(client.get(url).content.decode())
    assert "data-autocomplete-url" not in select
    assert len(OPTION.findall(select)) == 3


def test_a_street_office_sees_no_filter_of_its_one_street_on_the_coverage_list(client, city):
    client.force_login(city.street)
    assert 'name="street"' not in client.get(COVERAGE).content.decode()


def test_a_typed_street_narrows_the_coverage_list_and_its_export(city, few):
    street2 = city.streets[1]

    def form(user, street):
        query = {"street": str(street)}
        return CoverageFilterForm(
            query,
            streets=Street.objects.visible_to(user),
            communities=communities_for_filter(user=user, query=query),
        )

    chosen = form(city.bureau, street2.pk)
    filters = chosen.filters()
    assert filters.street_id == street2.pk
    listed = compounds_for_coverage(user=city.bureau, filters=filters)
    assert {c.code for c in listed} == {"B1"}
    with translation.override("zh-hans"):
        assert "街道：建设街道" in describe_form(chosen)
    refused = form(city.street, street2.pk)
    assert refused.filters().street_id is None
    assert "street" in refused.errors
