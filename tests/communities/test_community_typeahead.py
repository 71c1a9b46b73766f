"""A community chosen on a form past ``COMMUNITY_CHOICES_MAX`` communities is a typeahead
(issue 14, ``communities/community_choice.py``): the activity form renders only the chosen
community, the endpoint answers the user's communities alone, and an id outside the form's
communities is refused with nothing written. Below the limit the select is as it was."""

import json
import re

import pytest
from django.urls import reverse

from communities import community_choice
from communities.models import Activity, ActivityKind
from tests.communities.activity_helpers import today

pytestmark = pytest.mark.django_db

OPTION = re.compile(r"<option\b")
ADD = reverse("communities:activity_add")
ENDPOINT = reverse("communities:community_autocomplete")


@pytest.fixture
def many(monkeypatch):
    """The cast's three communities count as many."""
    monkeypatch.setattr(community_choice, "COMMUNITY_CHOICES_MAX", 1)


def community_select(html: str) -> str:
    found = re.search(r'<select[^>]*name="community".*?</select>', html, re.S)
    assert found, "no community field"
    return found.group(0)


def whole_community(community) -> dict:
    return {
        "community": community.pk,
        "kind": ActivityKind.LEGAL_EDUCATION,
        "date": today().isoformat(),
        "title": "《民法典》进社区宣传",
        "participants": "40",
        "organiser": "建设街道司法所",
    }


def test_below_the_limit_every_community_is_an_option(client, city):
    client.force_login(city.bureau)
    select = community_select(client.get(ADD).content.decode())
    assert "data-autocomplete-url" not in select
    assert len(OPTION.findall(select)) == 4  # the empty choice and the three communities
    assert "光明社区（110105002001）" in select


def test_past_the_limit_only_the_chosen_community_is_rendered(client, city, many):
    client.force_login(city.bureau)
    select = community_select(client.get(ADD).content.decode())
    assert f'data-autocomplete-url="{ENDPOINT}"' in select
    assert len(OPTION.findall(select)) == 1
    # a refused form keeps the community typed, labelled
    third = city.communities[2]
    response = client.post(ADD, {**whole_community(third), "participants": "-1"})
    assert response.status_code == 200
    select = community_select(response.content.decode())
    assert len(OPTION.findall(select)) == 2
    assert f'value="{third.pk}" selected' in select
    assert "光明社区（110105002001）" in select
    assert not Activity.objects.exists()


def test_past_the_limit_a_typed_community_is_recorded(client, city, many):
    client.force_login(city.bureau)
    third = city.communities[2]
    response = client.post(ADD, whole_community(third))
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert (activity.community, activity.compound) == (third, None)


def test_a_community_outside_the_users_area_is_refused_and_nothing_is_written(client, city, many):
    client.force_login(city.street)  # 和平街道: 光明社区 lies in 建设街道
    response = client.post(ADD, whole_community(city.communities[2]))
    assert response.status_code == 200
    assert "community" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_a_company_is_offered_no_community(client, city, many):
    client.force_login(city.manager_a)
    assert 'name="community"' not in client.get(ADD).content.decode()


def test_the_endpoint_answers_the_users_communities_matching_the_words(client, city):
    first, second, third = city.communities

    def answer(user, q=""):
        client.force_login(user)
        response = client.get(ENDPOINT, {"q": q})
        assert response.status_code == 200
        return [row["id"] for row in json.loads(response.content)["results"]]

    assert answer(city.bureau) == [first.pk, second.pk, third.pk]
    assert answer(city.bureau, "光明") == [third.pk]
    assert answer(city.bureau, "110105001002") == [second.pk]
    assert answer(city.street) == [first.pk, second.pk]
    assert answer(city.street, "光明") == []
    assert answer(city.community) == [first.pk]
    assert answer(city.nobody) == []
    client.logout()
    assert client.get(ENDPOINT).status_code == 302
