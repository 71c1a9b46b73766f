"""The organisation running a new patrol team, past ``ORGANISATION_CHOICES_MAX`` organisations,
is a typeahead (issue 14, ``patrols/organisation_choice.py``): the form renders only the chosen
organisation, the endpoint answers the organisations the user may run teams for, and an
organisation outside them is refused with nothing written. Below the limit it is a select."""

import json
import re

import pytest
from django.urls import reverse

from patrols import organisation_choice
from patrols.models import PatrolTeam, TeamKind

pytestmark = pytest.mark.django_db

OPTION = re.compile(r"<option\b")
NEW = reverse("patrols:team_create")
ENDPOINT = reverse("patrols:organisation_autocomplete")


@pytest.fixture
def many(monkeypatch):
    monkeypatch.setattr(organisation_choice, "ORGANISATION_CHOICES_MAX", 1)


def organisation_select(html: str) -> str:
    found = re.search(r'<select[^>]*name="organisation".*?</select>', html, re.S)
    assert found, "no organisation field"
    return found.group(0)


def new_team(city, organisation) -> dict:
    return {
        "organisation": organisation.pk,
        "kind": TeamKind.OFFICERS,
        "name": "新建治安巡逻队",
        "compounds": [city.compounds["A1"].pk],
    }


def test_below_the_limit_every_organisation_is_an_option(client, city):
    client.force_login(city.street)
    select = organisation_select(client.get(NEW).content.decode())
    assert "data-autocomplete-url" not in select
    assert "和平街道办事处" in select and "幸福社区居委会" in select
    assert "乙物业公司" not in select
    assert len(OPTION.findall(select)) == 3  # the empty choice and the two


def test_one_organisation_comes_chosen(client, city):
    client.force_login(city.manager_a)
    select = organisation_select(client.get(NEW).content.decode())
    assert f'value="{city.org.company_a.pk}" selected' in select


def test_past_the_limit_only_the_chosen_organisation_is_rendered(client, city, many):
    client.force_login(city.street)
    select = organisation_select(client.get(NEW).content.decode())
    assert f'data-autocomplete-url="{ENDPOINT}"' in select
    assert len(OPTION.findall(select)) == 1
    # a refused form keeps the organisation typed
    response = client.post(NEW, {**new_team(city, city.org.community), "name": ""})
    assert response.status_code == 200
    select = organisation_select(response.content.decode())
    assert f'value="{city.org.community.pk}" selected' in select
    assert "幸福社区居委会" in select
    assert not PatrolTeam.objects.exists()


def test_past_the_limit_a_typed_organisation_runs_the_new_team(client, city, many):
    client.force_login(city.street)
    response = client.post(NEW, new_team(city, city.org.community))
    team = PatrolTeam.objects.get()
    assert response.status_code == 302
    assert team.organisation == city.org.community


def test_an_organisation_the_user_does_not_run_is_refused(client, city, many):
    client.force_login(city.street)
    response = client.post(NEW, new_team(city, city.org.company_b))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not PatrolTeam.objects.exists()


def test_the_endpoint_answers_the_organisations_the_user_runs(client, city):
    def answer(user, q=""):
        client.force_login(user)
        response = client.get(ENDPOINT, {"q": q})
        assert response.status_code == 200
        return {row["text"] for row in json.loads(response.content)["results"]}

    assert answer(city.bureau) == {"和平街道办事处", "幸福社区居委会", "甲物业公司", "乙物业公司"}
    assert answer(city.bureau, "物业") == {"甲物业公司", "乙物业公司"}
    assert answer(city.street) == {"和平街道办事处", "幸福社区居委会"}
    assert answer(city.street, "乙") == set()
    assert answer(city.manager_a) == {"甲物业公司"}
    client.force_login(city.viewer_a)  # may not make a team: nothing to choose
    assert client.get(ENDPOINT).status_code == 403
    client.logout()
    assert client.get(ENDPOINT).status_code == 302
