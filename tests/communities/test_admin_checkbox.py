"""The change lists' row checkbox (``ScopedAdminMixin.action_checkbox``) is Django's, written
without the widget's templates: the same HTML for every scoped admin, and each row's names its
row."""

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
