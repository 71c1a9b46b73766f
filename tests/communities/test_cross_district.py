"""Holes a review found at the edges of the scoping rule, now closed: a second district, a
company working across the line, and users with memberships in both."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from communities import models as m
from communities.admin.scoped import MSG_HIDDEN_RELATED
from communities.models import OrganisationKind, Role
from communities.services import membership_set
from tests import factories as f

User = get_user_model()
SECRET_NAME, SECRET_PHONE = "王秘密", "13912345678"
EXPORT_FIELDS = {
    f"householdresource_{name}": "on"
    for name in [
        "compound",
        "building",
        "unit",
        "room",
        "occupancy",
        "residents",
        "floating_residents",
        "head_name",
        "head_phone",
        "head_id_number",
    ]
}


@pytest.fixture
def far(city):
    """District 120101 with its bureau; company Z (registered there) also runs Z1 in the city's
    district; company A (the city's) also runs X2 over there."""
    district = f.DistrictFactory(code="120101", name="外区")
    street = f.StreetFactory(district=district, code="120101001", name="外区街道")
    community = f.CommunityFactory(street=street, code="120101001001", name="外区社区")
    x2 = f.CompoundFactory(community=community, code="X2", name="外区二号小区")
    household = f.HouseholdFactory(
        compound=x2,
        head_name=SECRET_NAME,
        head_phone=SECRET_PHONE,
        head_id_number="11010519491231002X",
    )
    company_z = f.PropertyCompanyFactory(name="外区Z物业", district=district)
    z1 = f.CompoundFactory(community=city.communities[2], code="Z1", name="Z管小区")
    f.ManagementTermFactory(compound=z1, company=company_z)
    f.ManagementTermFactory(compound=x2, company=city.company_a)
    bureau_org = f.OrganisationFactory(
        name="外区住建局", kind=OrganisationKind.BUREAU, district=district
    )
    org_z = f.OrganisationFactory(
        name="外区Z物业", kind=OrganisationKind.PROPERTY_COMPANY, property_company=company_z
    )
    bureau2 = f.UserFactory(username="bureau2")
    membership_set(user=bureau2, organisation=bureau_org, role=Role.ADMIN)
    manager_z = f.UserFactory(username="manager_z")
    membership_set(user=manager_z, organisation=org_z, role=Role.ADMIN)
    mstaff = f.UserFactory(username="mstaff")
    membership_set(user=mstaff, organisation=city.org.company_a, role=Role.STAFF)
    return SimpleNamespace(
        district=district,
        x2=x2,
        z1=z1,
        household=household,
        company_z=company_z,
        bureau_org=bureau_org,
        bureau2=User.objects.get(pk=bureau2.pk),
        manager_z=User.objects.get(pk=manager_z.pk),
        mstaff=User.objects.get(pk=mstaff.pk),
    )


# 1. Personal data cannot be guessed through URL filters -----------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"head_id_number__startswith": "1101051949"},
        {"head_phone": SECRET_PHONE},
        {"head_name": SECRET_NAME},
        {"head_phone__contains": "1234"},
    ],
)
def test_filters_on_personal_fields_are_refused_to_who_may_not_see_them(client, city, far, query):
    client.force_login(far.mstaff)
    url = reverse("admin:communities_household_changelist")
    response = client.get(url, query)
    assert response.status_code == 400
    assert SECRET_PHONE not in response.content.decode()
    export = client.post(
        reverse("admin:communities_household_export")
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items()),
        {"format": "1", "resource": "0", **EXPORT_FIELDS},
    )
    assert export.status_code == 400
    assert SECRET_PHONE not in export.content.decode("utf-8", "replace")


def test_those_who_may_see_personal_data_may_filter_on_it(client, city, far):
    client.force_login(far.bureau2)
    response = client.get(
        reverse("admin:communities_household_changelist"), {"head_phone": SECRET_PHONE}
    )
    assert response.status_code == 200
    assert [h.pk for h in response.context["cl"].result_list] == [far.household.pk]


# 2. No membership that opens compounds outside one's own scope ----------------------------


def test_a_bureau_cannot_grant_a_company_that_works_outside_its_district(city, far):
    grantable = set(m.Organisation.objects.grantable_by(city.bureau))
    assert city.org.company_b in grantable
    assert city.org.company_a not in grantable  # A also runs X2 in the other district
    with pytest.raises(PermissionDenied):
        membership_set(
            user=city.street, organisation=city.org.company_a, role=Role.VIEWER, actor=city.bureau
        )


def test_nobody_grants_themself_a_membership(client, city, far):
    with pytest.raises(PermissionDenied):
        membership_set(
            user=city.bureau, organisation=city.org.company_b, role=Role.VIEWER, actor=city.bureau
        )
    client.force_login(city.bureau)
    response = client.post(
        reverse("admin:communities_membership_add"),
        {"user": city.bureau.pk, "organisation": city.org.company_b.pk, "role": "viewer"},
    )
    assert response.status_code == 200  # the form again: themself is not a choice
    assert not m.Membership.objects.filter(user=city.bureau, organisation=city.org.company_b)
    assert client.get(reverse("communities:compound_detail", args=["X2"])).status_code == 404


def test_a_new_user_cannot_be_put_in_an_organisation_reaching_outside(client, city, far):
    client.force_login(city.bureau)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "spy",
            "organisation": city.org.company_a.pk,
            "role": "viewer",
            "password1": "Another-Pass-2026",
            "password2": "Another-Pass-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="spy").exists()


def test_an_inline_membership_outside_the_grant_rolls_the_request_back(client, city, far):
    client.force_login(city.bureau)
    org = city.org.company_a
    url = reverse("admin:communities_organisation_change", args=[org.pk])
    # Only a new row: the form is valid, so the grant check in save_formset must refuse it.
    data = {
        "name": org.name,
        "kind": org.kind,
        "property_company": org.property_company_id,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-organisation": org.pk,
        "memberships-0-user": city.street.pk,
        "memberships-0-role": "viewer",
    }
    response = client.post(url, data)
    assert response.status_code == 403
    assert not m.Membership.objects.filter(user=city.street, organisation=org).exists()


# 3. A company on another district's register is read-only ----------------------------------


def test_a_bureau_sees_but_cannot_change_or_import_over_another_districts_company(
    client, city, far
):
    client.force_login(city.bureau)
    url = reverse("admin:communities_propertycompany_change", args=[far.company_z.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    response = client.post(
        url,
        {
            "name": "被改名",
            "credit_code": far.company_z.credit_code,
            "district": city.district.pk,
        },
    )
    assert response.status_code == 403
    far.company_z.refresh_from_db()
    assert (far.company_z.name, far.company_z.district) == ("外区Z物业", far.district)
    from communities.resources import PropertyCompanyResource

    resource = PropertyCompanyResource(user=city.bureau)
    assert far.company_z not in resource.get_queryset()


# 4. Users with memberships elsewhere are out of reach ---------------------------------------


def test_a_user_with_a_membership_elsewhere_cannot_be_edited(client, city, far):
    membership_set(user=far.bureau2, organisation=city.org.community, role=Role.VIEWER)
    client.force_login(city.bureau)
    for name in ("auth_user_change", "auth_user_password_change"):
        assert client.get(reverse(f"admin:{name}", args=[far.bureau2.pk])).status_code == 404
    response = client.post(
        reverse("admin:auth_user_password_change", args=[far.bureau2.pk]),
        {"password1": "Hijack-2026-xyz", "password2": "Hijack-2026-xyz"},
    )
    assert response.status_code == 404
    far.bureau2.refresh_from_db()
    assert far.bureau2.check_password("SafeCompound-2026")


def test_a_user_with_operator_groups_cannot_be_edited(client, city, far):
    from django.contrib.auth.models import Group

    city.street.groups.add(Group.objects.create(name="operators"))
    client.force_login(city.bureau)
    url = reverse("admin:auth_user_change", args=[city.street.pk])
    assert client.get(url).status_code == 404


# 5. The delete page names nothing outside the scope -----------------------------------------


def test_delete_page_hides_and_blocks_related_rows_outside_the_scope(client, city, far):
    client.force_login(city.bureau)
    url = reverse("admin:communities_propertycompany_delete", args=[city.company_a.pk])
    page = client.get(url)
    text = page.content.decode()
    assert "外区二号小区" not in text
    assert str(MSG_HIDDEN_RELATED) in text
    client.post(url, {"post": "yes"})
    assert m.PropertyCompany.objects.filter(pk=city.company_a.pk).exists()


# 6. Counts count only what is in scope -------------------------------------------------------


def test_company_counts_include_only_compounds_in_scope(client, city, far):
    client.force_login(city.street)
    response = client.get(reverse("admin:communities_propertycompany_changelist"))
    counts = {c.name: c.n_compounds for c in response.context["cl"].result_list}
    assert counts["甲物业公司"] == 2  # A1, A2 — not X2 in the other district
    client.force_login(city.bureau)
    response = client.get(reverse("admin:communities_propertycompany_changelist"))
    counts = {c.name: c.n_compounds for c in response.context["cl"].result_list}
    assert counts["外区Z物业"] == 1  # Z1 only


def test_company_counts_leave_out_ended_terms_and_sort_the_list(client, city, far):
    """The count is of the compounds each company runs today (one subquery per row shown); an
    ended term is not one of them, and the column sorts the list by it."""
    ended = f.CompoundFactory(community=city.communities[0], code="A9")
    f.ManagementTermFactory(
        compound=ended,
        company=city.company_b,
        start=datetime.date(2020, 1, 1),
        end=timezone.localdate() - datetime.timedelta(days=1),
    )
    client.force_login(city.street)
    url = reverse("admin:communities_propertycompany_changelist")
    listed = client.get(url).context["cl"].result_list
    counts = {c.pk: c.n_compounds for c in listed}
    assert (
        counts[city.company_b.pk]
        == m.ManagementTerm.objects.current()
        .filter(company=city.company_b, compound__community__street=city.streets[0])
        .count()
    )
    column = "4"  # compounds_managed, the fifth of list_display (no checkbox column)
    most_first = [
        c.n_compounds for c in client.get(url, {"o": f"-{column}"}).context["cl"].result_list
    ]
    fewest_first = [c.n_compounds for c in client.get(url, {"o": column}).context["cl"].result_list]
    assert most_first == sorted(counts.values(), reverse=True) and len(set(most_first)) > 1
    assert fewest_first == most_first[::-1]


def test_terms_filter_by_status_in_force_ended_or_not_started(client, city, far):
    """The terms list filters by status by ``current_term_q``'s rule; it reads no dates to offer
    (``date_hierarchy`` read every term's years on every view)."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    compound = f.CompoundFactory(community=city.communities[0], code="A8")
    ended = f.ManagementTermFactory(
        compound=compound, company=city.company_b, start=today - 400 * day, end=today - day
    )
    current = f.ManagementTermFactory(compound=compound, company=city.company_a, start=today)
    future = f.ManagementTermFactory(
        compound=f.CompoundFactory(community=city.communities[0], code="A7"),
        company=city.company_a,
        start=today + 30 * day,
    )
    client.force_login(city.street)
    url = reverse("admin:communities_managementterm_changelist")

    def listed(status):
        response = client.get(url, {"status": status} if status else {})
        assert response.status_code == 200
        return {t.pk for t in response.context["cl"].result_list}

    everything = listed(None)
    assert {ended.pk, current.pk, future.pk} <= everything
    assert listed("ended") == set(
        m.ManagementTerm.objects.visible_to(city.street)
        .filter(end__lt=today)
        .values_list("pk", flat=True)
    )
    assert ended.pk in listed("ended") and current.pk not in listed("ended")
    assert current.pk in listed("current") and {ended.pk, future.pk}.isdisjoint(listed("current"))
    assert listed("future") == {future.pk}
    assert listed("current") | listed("ended") | listed("future") == everything
    assert "服务期状态" in client.get(url).content.decode()


# 7. Terms typed together must not overlap either ---------------------------------------------


def test_two_new_overlapping_terms_in_one_form_are_refused(client, city, far):
    client.force_login(city.bureau)
    compound = city.compounds["N1"]
    url = reverse("admin:communities_compound_change", args=[compound.pk])
    data = {
        "code": compound.code,
        "name": compound.name,
        "community": compound.community_id,
        "address": compound.address,
        "household_count": compound.household_count,
        "building_count": compound.building_count,
        "year_built": compound.year_built,
        "kind": compound.kind,
        "management_mode": "company",
        "title_level": "",
        "title_year": "",
        "management_terms-TOTAL_FORMS": "2",
        "management_terms-INITIAL_FORMS": "0",
        "management_terms-MIN_NUM_FORMS": "0",
        "management_terms-MAX_NUM_FORMS": "1000",
        "management_terms-0-company": city.company_a.pk,
        "management_terms-0-start": "2024-01-01",
        "management_terms-1-company": city.company_b.pk,
        "management_terms-1-start": "2024-06-01",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert not compound.management_terms.exists()
    assert str(m.companies.MSG_TERM_OVERLAP) in response.content.decode()


# 8. A duplicate credit code in lower case is a form error, not a crash -----------------------


def test_duplicate_credit_code_in_lower_case_is_a_form_error(client, city):
    client.force_login(city.bureau)
    response = client.post(
        reverse("admin:communities_propertycompany_add"),
        {
            "name": "重复公司",
            "credit_code": city.company_a.credit_code.lower(),
            "district": city.district.pk,
            "contact_phone": "138 0000 0000",
        },
    )
    assert response.status_code == 200
    assert "credit_code" in response.context["adminform"].form.errors
    assert not m.PropertyCompany.objects.filter(name="重复公司").exists()


def test_company_phone_is_stored_normalised(city):
    company = f.PropertyCompanyFactory(contact_phone="+86 138 0000 1111")
    company.full_clean()
    company.save()
    company.refresh_from_db()
    assert company.contact_phone == "13800001111"


# 9. The add-user form's choices belong to one request ----------------------------------------


def test_add_user_form_choices_are_per_request(rf, city, far):
    from django.contrib import admin

    user_admin = admin.site._registry[User]
    request2, request1 = rf.get("/"), rf.get("/")
    request2.user, request1.user = far.bureau2, city.bureau
    form2 = user_admin.get_form(request2)()
    form1 = user_admin.get_form(request1)()
    assert far.bureau_org in form2.fields["organisation"].queryset
    assert far.bureau_org not in form1.fields["organisation"].queryset
