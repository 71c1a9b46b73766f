"""Personal data is masked unless the role needs it; changes are audited, masked too."""

from auditlog.models import LogEntry
from django.urls import reverse

from communities.models import Household, Role
from communities.services import membership_set


def _household_row_texts(client):
    response = client.get(reverse("admin:communities_household_changelist"))
    assert response.status_code == 200
    return response.content.decode()


def test_manager_without_permission_sees_masked_phone_and_id(client, city):
    household = city.households["A1"]
    membership_set(user=city.viewer_a, organisation=city.org.company_a, role=Role.STAFF)
    client.force_login(city.viewer_a)
    page = _household_row_texts(client)
    assert household.head_phone not in page
    assert household.head_phone[:3] + "****" + household.head_phone[-4:] in page
    assert "李*" in page and "李四" not in page
    change = client.get(reverse("admin:communities_household_change", args=[household.pk]))
    text = change.content.decode()
    assert household.head_id_number not in text
    assert household.head_id_number[:3] + "*" * 11 + household.head_id_number[-4:] in text


def test_community_admin_with_permission_sees_in_full(client, city):
    household = city.households["A1"]
    client.force_login(city.community)
    page = _household_row_texts(client)
    assert household.head_phone in page
    assert "李四" in page


def test_search_by_phone_is_only_for_those_who_may_see_it(client, city):
    household = city.households["A1"]
    url = reverse("admin:communities_household_changelist")
    membership_set(user=city.viewer_a, organisation=city.org.company_a, role=Role.STAFF)
    client.force_login(city.viewer_a)
    masked_user = client.get(url, {"q": household.head_phone}).context["cl"]
    assert masked_user.result_count == 0
    client.force_login(city.community)  # a community committee may see (and search) phones
    full_user = client.get(url, {"q": household.head_phone}).context["cl"]
    assert [h.pk for h in full_user.result_list] == [household.pk]


def test_str_of_a_household_holds_no_personal_data(city):
    household = city.households["A1"]
    text = str(household)
    for value in (household.head_name, household.head_phone, household.head_id_number):
        assert value not in text


def test_changes_are_logged_with_actor_and_masked_personal_fields(client, city):
    household = city.households["A1"]
    client.force_login(city.community)
    url = reverse("admin:communities_household_change", args=[household.pk])
    response = client.post(
        url,
        {
            "compound": household.compound_id,
            "building": household.building,
            "unit": household.unit,
            "room": household.room,
            "occupancy": "rented",
            "residents": "4",
            "floating_residents": "1",
            "head_name": "王小明",
            "head_phone": "13900001111",
            "head_id_number": household.head_id_number,
        },
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(Household.objects.get(pk=household.pk)).latest(
        "timestamp"
    )
    assert entry.actor == city.community
    assert entry.changes_dict["occupancy"] == ["owner", "rented"]
    new_phone = entry.changes_dict["head_phone"][1]
    assert new_phone == "*******1111"
    assert "王小明" not in str(entry.changes)


def test_audit_history_page_is_scoped(client, city):
    household = city.households["B1"]
    url = reverse("admin:communities_household_auditlog", args=[household.pk])
    client.force_login(city.manager_a)
    assert client.get(url).status_code == 404
    client.force_login(city.manager_b)
    assert client.get(url).status_code == 200


def test_the_global_audit_log_is_for_operators_only(client, city):
    client.force_login(city.bureau)
    assert client.get(reverse("admin:communities_auditentry_changelist")).status_code == 403
