"""Isolation in the admin: cast × objects × URLs, and lists, filters and autocompletes.

Expected visibility is written out by hand below (not derived from ``visible_to``), so these
tests check the scoping rule instead of repeating it. Object URLs: out of scope is a 404 —
never a 403 or Django's redirect that would confirm the id exists; in scope without the view
permission is a 403; no admin access at all is the login redirect (302).
"""

import pytest
from django.urls import reverse

from communities import models as m
from tests.conftest import EXPECTED_COMPOUNDS

CAST = list(EXPECTED_COMPOUNDS)
STREETS_1 = {"110105001"}
BOTH_STREETS = {"110105001", "110105002"}

# model → key function → who sees which keys
EXPECTED = {
    m.Compound: (lambda o: o.code, EXPECTED_COMPOUNDS),
    m.Household: (lambda o: o.compound.code, EXPECTED_COMPOUNDS),
    m.Street: (
        lambda o: o.code,
        {
            "bureau": BOTH_STREETS,
            "street": STREETS_1,
            "community": STREETS_1,
            "manager_a": STREETS_1,
            "manager_b": BOTH_STREETS,
            "viewer_a": STREETS_1,
            "nobody": set(),
        },
    ),
    m.Community: (
        lambda o: o.name,
        {
            "bureau": {"幸福社区", "团结社区", "光明社区"},
            "street": {"幸福社区", "团结社区"},
            "community": {"幸福社区"},
            "manager_a": {"幸福社区"},
            "manager_b": {"团结社区", "光明社区"},
            "viewer_a": {"幸福社区"},
            "nobody": set(),
        },
    ),
    m.District: (
        lambda o: o.code,
        {who: ({"110105"} if who != "nobody" else set()) for who in CAST},
    ),
    m.PropertyCompany: (
        lambda o: o.name,
        {
            "bureau": {"甲物业公司", "乙物业公司"},
            "street": {"甲物业公司", "乙物业公司"},
            # B ran A1 in 2020–2023: the community committee of A1 sees B through history.
            "community": {"甲物业公司", "乙物业公司"},
            "manager_a": {"甲物业公司"},
            "manager_b": {"乙物业公司"},
            "viewer_a": {"甲物业公司"},
            "nobody": set(),
        },
    ),
    m.ManagementTerm: (
        lambda o: (o.compound.code, o.company.name),
        {
            "bureau": {
                ("A1", "甲物业公司"),
                ("A2", "甲物业公司"),
                ("B1", "乙物业公司"),
                ("B2", "乙物业公司"),
                ("A1", "乙物业公司"),
            },
            "street": {
                ("A1", "甲物业公司"),
                ("A2", "甲物业公司"),
                ("B2", "乙物业公司"),
                ("A1", "乙物业公司"),
            },
            "community": {("A1", "甲物业公司"), ("A2", "甲物业公司"), ("A1", "乙物业公司")},
            "manager_a": {("A1", "甲物业公司"), ("A2", "甲物业公司")},
            "manager_b": {("B1", "乙物业公司"), ("B2", "乙物业公司"), ("A1", "乙物业公司")},
            "viewer_a": {("A1", "甲物业公司"), ("A2", "甲物业公司")},
            "nobody": set(),
        },
    ),
}


def _admin_url(obj, action):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=[obj.pk])


def _expected_status(user, model, visible: bool) -> int:
    if not user.is_staff:
        return 302
    if not visible:
        return 404
    opts = model._meta
    can_view = user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )
    return 200 if can_view else 403


@pytest.mark.parametrize("model", list(EXPECTED), ids=lambda mdl: mdl.__name__)
@pytest.mark.parametrize("who", CAST)
def test_object_urls_answer_by_scope(client, city, model, who):
    key, table = EXPECTED[model]
    user = getattr(city, who)
    client.force_login(user)
    for obj in model.objects.all():
        visible = key(obj) in table[who]
        for action in ("change", "auditlog"):
            response = client.get(_admin_url(obj, action))
            expected = _expected_status(user, model, visible)
            assert response.status_code == expected, (who, action, key(obj))
        response = client.get(_admin_url(obj, "delete"))
        if not user.is_staff:
            assert response.status_code == 302, (who, "delete", key(obj))
        elif not visible:
            assert response.status_code == 404, (who, "delete", key(obj))
        else:
            opts = model._meta
            may_delete = user.has_perm(f"{opts.app_label}.delete_{opts.model_name}")
            assert response.status_code in ((200,) if may_delete else (403,)), (who, key(obj))


@pytest.mark.parametrize("model", list(EXPECTED), ids=lambda mdl: mdl.__name__)
@pytest.mark.parametrize("who", [w for w in CAST if w != "nobody"])
def test_changelists_list_only_what_is_in_scope(client, city, model, who):
    key, table = EXPECTED[model]
    user = getattr(city, who)
    opts = model._meta
    client.force_login(user)
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    cl = response.context["cl"]
    assert {key(o) for o in cl.result_list} == table[who]
    assert cl.result_count == len(table[who])


def test_manager_cannot_post_a_household_into_another_company_compound(client, city):
    client.force_login(city.manager_a)
    url = reverse("admin:communities_household_add")
    data = {
        "compound": city.compounds["B1"].pk,
        "building": "9",
        "unit": "1",
        "room": "901",
        "occupancy": "owner",
        "residents": "2",
        "floating_residents": "0",
        "head_name": "",
        "head_phone": "",
        "head_id_number": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with an error on the compound
    assert "compound" in response.context["adminform"].form.errors
    assert not m.Household.objects.filter(building="9", room="901").exists()


def test_manager_can_add_a_household_to_own_compound(client, city):
    client.force_login(city.manager_a)
    data = {
        "compound": city.compounds["A1"].pk,
        "building": "9",
        "unit": "1",
        "room": "901",
        "occupancy": "rented",
        "residents": "2",
        "floating_residents": "2",
        "head_name": "赵六",
        "head_phone": "138 0013 8000",
        "head_id_number": "11010519491231002x",
    }
    response = client.post(reverse("admin:communities_household_add"), data)
    assert response.status_code == 302
    household = m.Household.objects.get(building="9", room="901")
    assert household.head_phone == "13800138000"
    assert household.head_id_number == "11010519491231002X"


def test_compound_filter_lists_only_streets_in_scope(client, city):
    client.force_login(city.manager_b)
    response = client.get(reverse("admin:communities_compound_changelist"))
    names = set()
    for spec in response.context["cl"].filter_specs:
        if getattr(spec, "field_path", "") == "community__street":
            names = {label for _pk, label in spec.lookup_choices}
    assert names == {"和平街道", "建设街道"}
    client.force_login(city.manager_a)
    response = client.get(reverse("admin:communities_compound_changelist"))
    for spec in response.context["cl"].filter_specs:
        if getattr(spec, "field_path", "") == "community__street":
            assert {label for _pk, label in spec.lookup_choices} == {"和平街道"}


@pytest.mark.parametrize("who", ["manager_a", "manager_b", "street"])
def test_autocomplete_offers_only_compounds_in_scope(client, city, who):
    client.force_login(getattr(city, who))
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "communities",
            "model_name": "household",
            "field_name": "compound",
            "term": "",
        },
    )
    assert response.status_code == 200
    names = {row["text"] for row in response.json()["results"]}
    expected = {c.name for code, c in city.compounds.items() if code in EXPECTED_COMPOUNDS[who]}
    assert names == expected


def test_out_of_scope_object_is_404_even_for_a_missing_permission(client, city):
    """A company user has no view permission on districts, yet probing an id reveals nothing."""
    client.force_login(city.manager_a)
    other = m.District.objects.create(code="120101", name="外区")
    assert client.get(_admin_url(other, "change")).status_code == 404
    assert client.get(_admin_url(city.district, "change")).status_code == 403


def test_street_office_cannot_move_a_compound_out_of_its_street(client, city):
    client.force_login(city.street)
    compound = city.compounds["A2"]
    url = _admin_url(compound, "change")
    form = client.get(url).context["adminform"].form
    community_choices = {c.name for c in form.fields["community"].queryset}
    assert community_choices == {"幸福社区", "团结社区"}
