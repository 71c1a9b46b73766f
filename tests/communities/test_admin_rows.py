"""The scoped change lists' rows as Django writes them, written faster: the row checkbox
(``ScopedAdminMixin.action_checkbox``) without the widget's templates, and the row links with
the list's filters without resolving each row's URL (``communities.admin.changelist``)."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from communities.admin.scoped import ScopedAdminMixin
from communities.models import Compound, Household

pytestmark = pytest.mark.django_db


def scoped_admins():
    return [a for a in admin.site._registry.values() if isinstance(a, ScopedAdminMixin)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_checkbox_is_djangos_for_every_scoped_admin(city, language):
    compound = city.compounds["A1"]
    household = Household.objects.filter(compound=compound).first()
    assert len(scoped_admins()) > 10
    with translation.override(language):
        for model_admin in (admin.site._registry[Compound], admin.site._registry[Household]):
            for obj in (compound, household):
                ours = model_admin.action_checkbox(obj)
                djangos = admin.ModelAdmin.action_checkbox(model_admin, obj)
                assert ours == djangos


def test_a_change_list_shows_a_checkbox_per_row_naming_it(client, city):
    operator = get_user_model().objects.create_superuser("operator_cb", password="x")
    client.force_login(operator)  # may delete: the list offers an action
    html = client.get(reverse("admin:communities_compound_changelist")).content.decode()
    box = f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="(\\d+)"'
    named = re.findall(box + ' class="action-select"', html)
    visible = Compound.objects.visible_to(operator).values_list("pk", flat=True)
    assert sorted(int(pk) for pk in named) == sorted(visible) and named


def row_links(html: str, changelist: str) -> list[str]:
    return re.findall(rf'<th class="field-[^"]+"><a href="({changelist}[^"]+)"', html)


@pytest.mark.parametrize("query", ["", "o=-2", "q=A", "kind=commodity&o=1"])
def test_row_links_carry_the_lists_filters_as_djangos_do(client, city, query):
    """Each row links to its change page with ``_changelist_filters`` (back to the same list
    after saving), exactly as Django's ``add_preserved_filters`` writes it."""
    from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
    from django.utils.http import urlencode

    client.force_login(city.bureau)
    changelist = reverse("admin:communities_compound_changelist")
    html = client.get(f"{changelist}?{query}").content.decode()
    links = row_links(html, changelist)
    assert links
    preserved = urlencode({"_changelist_filters": query}) if query else ""
    opts = Compound._meta
    for link in links:
        change = link.split("?")[0].replace("&amp;", "&")
        djangos = add_preserved_filters({"preserved_filters": preserved, "opts": opts}, change)
        assert link.replace("&amp;", "&") == djangos
        assert ("_changelist_filters" in link) == bool(query)
