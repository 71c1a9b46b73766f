"""Every workbench form speaks the site's language (issue 9, point 11): a select's empty choice
says 请选择, never Django's "---------"; a required field is marked before anything is sent, and
a field required only in some cases says when."""

import inspect

import pytest
from django import forms
from django.urls import reverse

from communities.forms import CHOOSE_LABEL, DJANGO_BLANK_LABEL, WorkbenchForm
from communities.models import Compound
from disputes import forms as dispute_forms
from disputes import services as dispute_services
from disputes.models import Category, Level, Source
from inspections.forms import checks as check_forms
from inspections.forms import hazards as hazard_forms

WORKBENCH_FORM_MODULES = [dispute_forms, check_forms, hazard_forms]


def _form_classes():
    for module in WORKBENCH_FORM_MODULES:
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                yield f"{module.__name__}.{name}", value


@pytest.mark.parametrize(("name", "form_class"), list(_form_classes()))
def test_every_workbench_form_is_a_workbench_form(name, form_class):
    assert issubclass(form_class, WorkbenchForm), name


def test_a_compound_choice_says_please_choose(db, city):
    form = hazard_forms.HazardRaiseForm(compounds=Compound.objects.all())
    first = next(iter(form.fields["compound"].choices))
    assert str(first[1]) == str(CHOOSE_LABEL)
    assert DJANGO_BLANK_LABEL not in str(form["compound"])


def test_a_filters_all_stays_all(db, city):
    form = hazard_forms.HazardFilterForm(compounds=Compound.objects.none())
    assert [str(label) for value, label in form.fields["status"].choices][:1] == ["全部"]


@pytest.fixture
def a_case(city):
    return dispute_services.case_register(
        actor=city.manager_a,
        compound=city.compounds["A1"],
        level=Level.STREET,
        category=Category.NOISE,
        source=Source.RESIDENT,
        description="楼上装修噪声扰民",
        parties=[{"role": "applicant", "name": "王小明", "phone": "", "id_number": ""}],
    )


@pytest.mark.parametrize("who", ["street", "manager_a", "bureau"])
def test_no_workbench_page_shows_djangos_blank_choice(client, city, a_case, who):
    client.force_login(getattr(city, who))
    pages = [
        reverse("communities:home"),
        reverse("disputes:case_list"),
        reverse("disputes:case_register"),
        reverse("disputes:case_detail", args=[a_case.pk]),
        reverse("inspections:hazard_list"),
        reverse("inspections:hazard_new"),
        reverse("inspections:check_list"),
        reverse("inspections:key_management_list"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert DJANGO_BLANK_LABEL not in response.content.decode(), url
    html = client.get(reverse("disputes:case_register")).content.decode()
    assert "请选择" in html


def test_the_street_offices_accept_form_asks_to_choose_a_leader(client, city, a_case):
    client.force_login(city.street)
    html = client.get(reverse("disputes:case_detail", args=[a_case.pk])).content.decode()
    leader = html[html.index('id="id_accept_leader"') :]
    assert '<option value="" selected>请选择</option>' in leader[: leader.index("</select>")]


def test_required_fields_are_marked_and_optional_ones_say_so(client, city):
    client.force_login(city.street)
    html = client.get(reverse("disputes:case_register")).content.decode()
    description = html[html.index('<label for="id_description">') :]
    assert 'data-testid="required"' in description[: description.index("</label>")]
    amount = html[html.index('<label for="id_amount">') :]
    amount = amount[: amount.index("</label>")]
    assert 'data-testid="required"' not in amount and "选填" in amount


def test_a_field_required_only_sometimes_says_when(client, city):
    client.force_login(city.street)
    html = client.get(reverse("inspections:hazard_new")).content.decode()
    party = html[html.index('<label for="id_responsible_party">') :]
    party = party[: party.index("</label>")]
    assert 'data-testid="required-when"' in party
    assert "小区没有物业服务企业时必填" in party
