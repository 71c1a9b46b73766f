"""Residents in the admin: scoped (another company's resident is a 404), read-only, names, ID
numbers and phones masked for every role without the personal-data permission (list, page,
search, export, the household's page with its landlord and residents), in full and audited for
a role with it; the list's queries do not grow with its rows."""

import io
import zipfile

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities import audit
from communities.models import Occupancy, Relation, Resident, ResidentKind, Role
from communities.privacy import mask_id_number, mask_name, mask_phone
from communities.services import membership_set
from tests import factories as f
from tests.isolation import comparable

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:communities_resident_changelist"
# Session, user, scope, permissions, savepoints, the rows, the compound filter's choices; one
# more for the roles shown personal data in full (bureau admin, community): the audit entry.
PINNED_QUERIES = {"bureau": 9, "manager_a": 8, "community": 9}


@pytest.fixture
def bureau_staff(city):
    user = f.UserFactory(username="bureau_staff")
    membership_set(user=user, organisation=city.org.bureau, role=Role.STAFF)
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def people(city):
    """A tenant from elsewhere in A1 (registered), a family member in A1 who moved out, and
    someone in company B's B1."""
    a1 = city.households["A1"]
    return {
        "tenant": f.ResidentFactory(
            household=a1,
            name="王雨桐",
            kind=ResidentKind.FLOATING,
            relation=Relation.TENANT,
            phone="13912345678",
        ),
        "gone": f.ResidentFactory(household=a1, name="林晓舟", moved_out="2024-06-30"),
        "b1": f.ResidentFactory(household=city.households["B1"], name="赵一鸣"),
    }


def _page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _change(resident) -> str:
    return reverse("admin:communities_resident_change", args=[resident.pk])


def _assert_masked(text: str, residents) -> None:
    for r in residents:
        assert r.id_number not in text and r.phone not in text and r.name not in text
    assert mask_id_number(residents[0].id_number) in text


def personal_views():
    return LogEntry.objects.filter(additional_data__event=audit.PERSONAL_DATA_VIEW).order_by("pk")


def test_another_companys_resident_is_a_404_like_a_missing_one(client, city, people):
    client.force_login(city.manager_a)
    other_url = _change(people["b1"])
    missing_url = reverse("admin:communities_resident_change", args=[999999])
    other, missing = client.get(other_url), client.get(missing_url)
    assert other.status_code == 404
    assert comparable(other, other_url) == comparable(missing, missing_url)
    listed = client.get(reverse(CHANGELIST)).context["cl"].result_list
    assert {r.pk for r in listed} == {people["tenant"].pk, people["gone"].pk}
    client.force_login(city.manager_b)
    assert client.get(other_url).status_code == 200


@pytest.mark.parametrize("who", ["manager_a", "bureau_staff"])
def test_the_list_and_page_are_masked_without_the_permission(client, city, people, who, request):
    user = request.getfixturevalue(who) if who == "bureau_staff" else getattr(city, who)
    client.force_login(user)
    tenant = people["tenant"]

    listing = _page(client, reverse(CHANGELIST))
    page = _page(client, _change(tenant))

    _assert_masked(listing, [tenant, people["gone"]])
    assert mask_name(tenant.name) in listing
    _assert_masked(page, [tenant])
    assert mask_phone(tenant.phone) in page
    assert not personal_views().exists()


@pytest.mark.parametrize("who", ["manager_a", "bureau_staff"])
def test_search_never_matches_personal_data_without_the_permission(
    client, city, people, who, request
):
    user = request.getfixturevalue(who) if who == "bureau_staff" else getattr(city, who)
    client.force_login(user)
    tenant = people["tenant"]
    for term in (tenant.id_number, tenant.phone, tenant.name):
        assert client.get(reverse(CHANGELIST), {"q": term}).context["cl"].result_count == 0
    # Nor a filter on a personal field typed into the address: refused, not answered.
    response = client.get(reverse(CHANGELIST), {"id_number": tenant.id_number})
    assert response.status_code == 400


def test_a_role_with_the_permission_sees_in_full_and_the_view_is_audited(client, city, people):
    client.force_login(city.community)
    tenant = people["tenant"]

    listing = client.get(reverse(CHANGELIST))
    page = _page(client, _change(tenant))

    text = listing.content.decode()
    assert tenant.id_number in text and tenant.name in text
    assert tenant.id_number in page and tenant.phone in page
    shown = {str(r.pk) for r in listing.context["cl"].result_list}
    list_entry, page_entry = personal_views()
    assert (list_entry.actor, set(list_entry.additional_data["objects"])) == (city.community, shown)
    assert list_entry.additional_data["fields"] == ["id_number", "name"]
    assert (page_entry.object_pk, page_entry.additional_data["fields"]) == (
        str(tenant.pk),
        ["id_number", "name", "phone"],
    )
    found = client.get(reverse(CHANGELIST), {"q": tenant.id_number}).context["cl"]
    assert [r.pk for r in found.result_list] == [tenant.pk]


def test_the_filters_pick_kind_and_who_still_lives_there(client, city, people):
    client.force_login(city.manager_a)

    def listed(**params):
        return {r.pk for r in client.get(reverse(CHANGELIST), params).context["cl"].result_list}

    assert listed(present="yes") == {people["tenant"].pk}
    assert listed(present="no") == {people["gone"].pk}
    assert listed(kind__exact=ResidentKind.FLOATING) == {people["tenant"].pk}


def test_the_admin_is_read_only(client, city, people):
    client.force_login(city.community)
    tenant = people["tenant"]
    assert client.get(reverse("admin:communities_resident_add")).status_code == 403
    delete = reverse("admin:communities_resident_delete", args=[tenant.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(_change(tenant), {"name": "改名", "household": tenant.household_id})
    assert Resident.objects.get(pk=tenant.pk).name == "王雨桐"


def test_the_admin_export_is_masked_without_the_permission(client, city, people):
    client.force_login(city.manager_a)

    response = client.post(reverse("admin:communities_resident_export"), {"format": "xlsx"})

    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        text = b"".join(book.read(name) for name in book.namelist()).decode()
    _assert_masked(text, [people["tenant"], people["gone"]])
    assert people["b1"].id_number not in text and mask_name("赵一鸣") not in text


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", list(PINNED_QUERIES))
def test_the_list_runs_a_fixed_number_of_queries(client, city, people, who):
    client.force_login(getattr(city, who))
    url = reverse(CHANGELIST)
    small = _count(client, url)
    for compound in ("A1", "A2", "B1"):
        for _ in range(15):
            household = f.HouseholdFactory(compound=city.compounds[compound])
            f.ResidentFactory(household=household)
    large = _count(client, url)
    assert small == large == PINNED_QUERIES[who]


# The household's page: its landlord and its residents ------------------------------------------


@pytest.fixture
def rented(city, people):
    household = city.households["A1"]
    household.occupancy = Occupancy.RENTED
    household.landlord_name = "钱多多"
    household.landlord_phone = "13700001111"
    household.save()
    return household


def test_the_household_page_masks_its_landlord_and_residents_without_the_permission(
    client, city, people, rented
):
    client.force_login(city.manager_a)

    page = _page(client, reverse("admin:communities_household_change", args=[rented.pk]))

    assert "钱多多" not in page and "13700001111" not in page
    assert mask_name("钱多多") in page and mask_phone("13700001111") in page
    _assert_masked(page, [people["tenant"], people["gone"]])
    assert mask_name(people["tenant"].name) in page


def test_the_household_page_shows_them_in_full_with_the_permission_and_records_it(
    client, city, people, rented
):
    client.force_login(city.community)

    page = _page(client, reverse("admin:communities_household_change", args=[rented.pk]))

    assert "钱多多" in page and "13700001111" in page
    assert people["tenant"].id_number in page and people["tenant"].name in page
    household_entry, residents_entry = personal_views()
    assert household_entry.object_pk == str(rented.pk)
    assert "landlord_phone" in household_entry.additional_data["fields"]
    assert set(residents_entry.additional_data["objects"]) == {
        str(people["tenant"].pk),
        str(people["gone"].pk),
    }


def test_a_household_is_still_saved_from_its_page_with_residents_shown(client, city, people):
    household = city.households["A1"]
    client.force_login(city.community)
    response = client.post(
        reverse("admin:communities_household_change", args=[household.pk]),
        {
            "compound": household.compound_id,
            "building": household.building,
            "unit": household.unit,
            "room": household.room,
            "occupancy": Occupancy.RENTED,
            "residents": "2",
            "floating_residents": "1",
            "head_name": household.head_name,
            "head_phone": household.head_phone,
            "head_id_number": household.head_id_number,
            "landlord_name": "钱多多",
            "landlord_phone": "137 0000 1111",
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.landlord_name, household.landlord_phone) == ("钱多多", "13700001111")
    assert Resident.objects.filter(household=household).count() == 2  # untouched


def test_the_list_links_the_import_the_template_and_the_export_to_those_who_may(client, city):
    links = [
        reverse(f"admin:communities_resident_{name}")
        for name in ("import", "import_template", "export")
    ]
    client.force_login(city.community)
    page = _page(client, reverse(CHANGELIST))
    assert all(link in page for link in links)
    client.force_login(city.viewer_a)  # exports, does not import
    page = _page(client, reverse(CHANGELIST))
    assert [link in page for link in links] == [False, False, True]


def test_a_home_no_longer_let_from_its_admin_page_keeps_no_landlord(client, city, people, rented):
    """PIPL (no more than needed): the landlord goes with the letting, by whatever path the
    occupancy changes — here the admin form, not the workbench's service."""
    client.force_login(city.community)
    response = client.post(
        reverse("admin:communities_household_change", args=[rented.pk]),
        {
            "compound": rented.compound_id,
            "building": rented.building,
            "unit": rented.unit,
            "room": rented.room,
            "occupancy": Occupancy.OWNER,
            "residents": "2",
            "floating_residents": "1",
            "head_name": rented.head_name,
            "head_phone": rented.head_phone,
            "head_id_number": rented.head_id_number,
            "landlord_name": "钱多多",
            "landlord_phone": "13700001111",
        },
    )
    assert response.status_code == 302
    rented.refresh_from_db()
    assert (rented.occupancy, rented.landlord_name, rented.landlord_phone) == (
        Occupancy.OWNER,
        "",
        "",
    )


def test_the_household_list_counts_residents_from_the_roster_where_there_is_one(
    client, city, people
):
    """A1 has residents recorded: its count is theirs; A2 has none: its typed count, marked."""
    client.force_login(city.community)
    response = client.get(reverse("admin:communities_household_changelist"))
    rows = {h.compound.code: h for h in response.context["cl"].result_list}
    admin = response.context["cl"].model_admin
    a1, a2 = rows["A1"], rows["A2"]
    present = Resident.objects.present().filter(household=a1).count()
    assert admin.residents_counted(a1) == str(present) != str(a1.residents)
    assert admin.residents_counted(a2) == f"{a2.residents}（填报数）"
