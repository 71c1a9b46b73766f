"""Two people editing the same compound in the admin at once (issue 15): the change form posts
the version it showed; the second save is refused with a clear message, the form keeping what
was typed, the first save standing; a second submit, made knowing, goes through. Every scoped
admin's change form does this (``ScopedAdminMixin.get_form``)."""

import re

from django.test import Client
from django.urls import reverse

from communities import models as m
from communities.versioning import MSG_CHANGED_MEANWHILE


def change_url(compound) -> str:
    return reverse("admin:communities_compound_change", args=[compound.pk])


def opened(client, compound) -> str:
    """The change page as a person opens it: the version it carries."""
    page = client.get(change_url(compound)).content.decode()
    return re.search(r'name="version" value="([^"]+)"', page)[1]


def form(compound, name: str, version: str) -> dict:
    return {
        "code": compound.code,
        "name": name,
        "community": compound.community_id,
        "address": compound.address,
        "household_count": compound.household_count,
        "building_count": compound.building_count,
        "year_built": compound.year_built or "",
        "kind": compound.kind,
        "management_mode": compound.management_mode,
        "title_level": "",
        "title_year": "",
        "management_terms-TOTAL_FORMS": "0",
        "management_terms-INITIAL_FORMS": "0",
        "management_terms-MIN_NUM_FORMS": "0",
        "management_terms-MAX_NUM_FORMS": "1000",
        "version": version,
    }


def test_the_second_of_two_saves_is_refused_and_keeps_what_was_typed(city):
    compound = m.Compound.objects.get(pk=city.compounds["N1"].pk)
    first, second = Client(), Client()
    first.force_login(city.bureau)
    second.force_login(city.bureau)
    seen_by_first, seen_by_second = opened(first, compound), opened(second, compound)

    done = first.post(change_url(compound), form(compound, "甲改名小区", seen_by_first))
    late = second.post(change_url(compound), form(compound, "乙改名小区", seen_by_second))

    assert done.status_code == 302
    assert late.status_code == 200
    page = late.content.decode()
    assert "其他人修改了这条记录" in page
    assert 'value="乙改名小区"' in page  # what the second person typed
    assert m.Compound.objects.get(pk=compound.pk).name == "甲改名小区"
    assert late.context["adminform"].form.non_field_errors() == [str(MSG_CHANGED_MEANWHILE)]
    # The refused page shows the version as it now is: saving again, knowing, goes through.
    now_seen = re.search(r'name="version" value="([^"]+)"', page)[1]
    assert now_seen != seen_by_second
    again = second.post(change_url(compound), form(compound, "乙改名小区", now_seen))
    assert again.status_code == 302
    assert m.Compound.objects.get(pk=compound.pk).name == "乙改名小区"
