"""A province's communities are never one list (issue 14): past ``COMMUNITY_CHOICES_MAX`` a
community filter offers the chosen street's communities only, and a link naming a community
keeps working."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from communities import selectors
from communities.activities.views import filter_form as activity_filter_form
from communities.models import Community
from communities.residents.filters import PlaceFilters

pytestmark = pytest.mark.django_db

OPTION = re.compile(r"<option\b")
HINT = ("Choose a street first", "请先选择街道")  # in whichever language is active


def hinted(text) -> bool:
    return any(hint in str(text) for hint in HINT)


EXTRA = 6  # with the cap lowered to 4: street 1 holds 8 communities, the district 9


@pytest.fixture
def crowded(city, monkeypatch):
    """The cast's city with six more communities in street 1, past a cap lowered to four."""
    monkeypatch.setattr(selectors, "COMMUNITY_CHOICES_MAX", 4)
    street1 = city.streets[0]
    Community.objects.bulk_create(
        Community(street=street1, code=f"110105001{n:03d}", name=f"新增社区{n}")
        for n in range(100, 100 + EXTRA)
    )
    return city


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def names(communities) -> set[str]:
    return {c.name for c in communities}


def test_few_communities_are_all_offered(city):
    offered = selectors.communities_for_filter(user=city.bureau)
    assert names(offered) == {"幸福社区", "团结社区", "光明社区"}
    assert offered.need_street is False


def test_past_the_cap_no_street_offers_none_and_asks_for_a_street(crowded):
    offered = selectors.communities_for_filter(user=crowded.bureau)
    assert list(offered) == []
    assert offered.need_street is True


def test_past_the_cap_a_street_offers_its_own_communities(crowded):
    street2 = crowded.streets[1]
    offered = selectors.communities_for_filter(user=crowded.bureau, street_id=street2.pk)
    assert names(offered) == {"光明社区"}
    assert offered.need_street is False
    street1 = crowded.streets[0]
    offered = selectors.communities_for_filter(user=crowded.bureau, street_id=street1.pk)
    assert len(offered) == 2 + EXTRA


def test_past_the_cap_the_chosen_community_stays_offered_within_the_scope(crowded):
    chosen = crowded.communities[2]
    offered = selectors.communities_for_filter(user=crowded.bureau, chosen_id=chosen.pk)
    assert names(offered) == {"光明社区"}
    # A street office never gets another street's community by naming it.
    offered = selectors.communities_for_filter(user=crowded.street, chosen_id=chosen.pk)
    assert list(offered) == []


def test_the_home_page_asks_for_a_street_instead_of_listing_every_community(crowded):
    page = as_user(crowded.bureau).get(reverse("communities:home")).content.decode()
    assert hinted(page)
    assert "新增社区100" not in page
    # the streets' options and the "All"s only: not one per community
    assert len(OPTION.findall(page)) < 2 + EXTRA


def test_the_home_page_offers_the_streets_communities_once_it_is_chosen(crowded):
    street1 = crowded.streets[0]
    client = as_user(crowded.bureau)
    page = client.get(reverse("communities:home"), {"street": street1.pk}).content.decode()
    assert "新增社区100" in page and "幸福社区" in page
    assert "光明社区</option>" not in page


def test_a_link_naming_a_community_still_filters_the_home_list(crowded):
    chosen = crowded.communities[2]  # 光明社区: compound B1 only
    response = as_user(crowded.bureau).get(reverse("communities:home"), {"community": chosen.pk})
    page = response.content.decode()
    assert [c.code for c in response.context["compounds"]] == ["B1"]
    assert f'<option value="{chosen.pk}" selected>光明社区</option>' in page


def test_the_resident_and_activity_filters_ask_for_a_street_too(crowded):
    form = PlaceFilters(crowded.bureau, {})
    assert [value for value, _label in form.fields["community"].choices] == [""]
    assert hinted(form.fields["community"].help_text)
    street2 = crowded.streets[1]
    form = PlaceFilters(crowded.bureau, {"street": str(street2.pk)})
    assert [label for _value, label in form.fields["community"].choices][1:] == ["光明社区"]
    form = activity_filter_form(crowded.bureau, {})
    assert hinted(form.fields["community"].help_text)
    form = activity_filter_form(crowded.bureau, {"street": str(street2.pk)})
    assert [label for _value, label in form.fields["community"].choices][1:] == ["光明社区"]
