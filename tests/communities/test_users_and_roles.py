"""Roles as groups; a bureau admin makes users of any role without a superuser."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from communities.models import Membership, OrganisationKind, Role
from communities.roles import group_name, role_permissions, roles_sync
from communities.scoping import compounds_visible_to
from communities.services import membership_remove, membership_set

User = get_user_model()


def test_every_kind_and_role_has_a_group_after_migrate(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert {group_name(kind, role) for kind in OrganisationKind for role in Role} <= names
    bureau_admin = Group.objects.get(name=group_name("bureau", "admin"))
    assert bureau_admin.permissions.filter(codename="import_household").exists()
    assert bureau_admin.permissions.filter(codename="view_personal_data").exists()


def test_roles_sync_is_idempotent(db):
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert roles_sync() == len(role_permissions())
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert before == after


def test_membership_gives_groups_and_admin_access_and_removal_takes_them(city):
    user = User.objects.create_user("newbie", password="x")
    membership = membership_set(user=user, organisation=city.org.street, role=Role.VIEWER)
    user = User.objects.get(pk=user.pk)
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["role:street:viewer"]
    assert user.has_perm("communities.view_compound")
    assert not user.has_perm("communities.change_compound")
    membership_remove(membership=membership)
    user = User.objects.get(pk=user.pk)
    assert not user.is_staff
    assert not user.groups.exists()
    assert not compounds_visible_to(user).exists()


def _add_user(client, organisation, role, username="wang"):
    return client.post(
        reverse("admin:auth_user_add"),
        {
            "username": username,
            "first_name": "王",
            "email": "",
            "organisation": organisation.pk,
            "role": role,
            "password1": "Another-Pass-2026",
            "password2": "Another-Pass-2026",
            "usable_password": "true",
        },
    )


@pytest.mark.parametrize("org_name", ["street", "community", "company_a", "bureau"])
def test_bureau_admin_creates_a_user_of_any_role(client, city, org_name):
    client.force_login(city.bureau)
    organisation = getattr(city.org, org_name)
    response = _add_user(client, organisation, Role.STAFF)
    assert response.status_code == 302, response.context and response.context["errors"]
    user = User.objects.get(username="wang")
    assert Membership.objects.get(user=user).organisation == organisation
    assert user.is_staff and not user.is_superuser
    assert user.groups.get().name == group_name(organisation.kind, Role.STAFF)


def test_bureau_admin_cannot_make_a_user_in_an_organisation_out_of_scope(client, city):
    from tests.factories import DistrictFactory, OrganisationFactory

    other = OrganisationFactory(
        name="外区住建局", kind=OrganisationKind.BUREAU, district=DistrictFactory(code="120101")
    )
    client.force_login(city.bureau)
    response = _add_user(client, other, Role.ADMIN)
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="wang").exists()


def test_bureau_admin_never_sees_superuser_fields_or_superusers(client, city):
    root = User.objects.create_superuser("root", password="x")
    client.force_login(city.bureau)
    response = client.get(reverse("admin:auth_user_change", args=[city.street.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "groups" not in form.fields
    assert "user_permissions" not in form.fields
    assert client.get(reverse("admin:auth_user_change", args=[root.pk])).status_code == 404
    listed = response = client.get(reverse("admin:auth_user_changelist"))
    usernames = {u.username for u in listed.context["cl"].result_list}
    # Not themself: nobody edits their own memberships.
    assert usernames == {"street", "community", "manager_a", "manager_b", "viewer_a"}


def test_a_manager_cannot_create_users(client, city):
    client.force_login(city.manager_a)
    assert client.get(reverse("admin:auth_user_add")).status_code == 403


def test_the_organisation_typeahead_offers_only_what_the_user_may_grant(client, city):
    import json

    from communities.models import Organisation

    def offered(user, term=""):
        client.force_login(user)
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "communities",
                "model_name": "membership",
                "field_name": "organisation",
                "term": term,
            },
        )
        assert response.status_code == 200
        return {row["text"] for row in json.loads(response.content)["results"]}

    from tests import factories as f

    # 乙物业公司 now also runs a compound of another district: the bureau sees it, may not grant it
    far = f.CompoundFactory(
        community=f.CommunityFactory(
            street=f.StreetFactory(district=f.DistrictFactory(code="120102"), code="120102001"),
            code="120102001001",
        ),
        code="FAR1",
    )
    f.ManagementTermFactory(compound=far, company=city.company_b)
    for user in (city.bureau, city.street):
        grantable = set(Organisation.objects.grantable_by(user).values_list("name", flat=True))
        assert offered(user) == grantable, user
    assert "甲物业公司" not in offered(city.street)  # seen (it runs A1), not the street's to grant
    assert offered(city.bureau, "物业") == {"甲物业公司"}
