"""The facilities in the admin: scoped lists, saving through the services (the in-service
rule and the field rules), facilities added inline at an entrance, the export button."""

import pytest
from django.urls import reverse

from patrols.models import Entrance, Facility, FacilityKind
from tests.conftest import EXPECTED_COMPOUNDS
from tests.patrols.conftest_facilities import build_facilities

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilities(city):
    build_facilities(city)
    return city


@pytest.mark.parametrize("who", ["bureau", "street", "manager_a", "manager_b"])
def test_the_lists_hold_the_users_compounds_only(client, facilities, who):
    client.force_login(getattr(facilities, who))
    for model in ("facility", "entrance"):
        response = client.get(reverse(f"admin:patrols_{model}_changelist"))
        assert response.status_code == 200
        codes = {obj.compound.code for obj in response.context["cl"].result_list}
        assert codes <= EXPECTED_COMPOUNDS[who]
        assert codes


def test_marking_out_of_service_in_the_admin_keeps_the_day(client, facilities):
    client.force_login(facilities.manager_a)
    facility = Facility.objects.get(compound__code="A2", kind=FacilityKind.PERIMETER)
    url = reverse("admin:patrols_facility_change", args=[facility.pk])
    response = client.post(
        url,
        {
            "compound": facility.compound_id,
            "kind": "perimeter",
            "location": "perimeter",
            "quantity": 1,
            "building": "",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    facility.refresh_from_db()
    assert facility.in_service is False and facility.out_of_service_since is not None


def test_the_admin_refuses_a_building_facility_without_a_building(client, facilities):
    client.force_login(facilities.manager_a)
    response = client.post(
        reverse("admin:patrols_facility_add"),
        {
            "compound": facilities.compounds["A1"].pk,
            "kind": "alarm",
            "location": "building",
            "quantity": 1,
            "in_service": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert "building" in response.context["adminform"].form.errors


def test_a_facility_added_inline_stands_at_the_entrance(client, facilities):
    client.force_login(facilities.manager_a)
    entrance = Entrance.objects.get(compound__code="A2")
    existing = list(entrance.facilities.order_by("pk"))
    prefix = "facilities"
    data = {
        "compound": entrance.compound_id,
        "name": entrance.name,
        "kind": entrance.kind,
        f"{prefix}-TOTAL_FORMS": len(existing) + 1,
        f"{prefix}-INITIAL_FORMS": len(existing),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for i, facility in enumerate(existing):
        data.update(
            {
                f"{prefix}-{i}-id": facility.pk,
                f"{prefix}-{i}-entrance": entrance.pk,
                f"{prefix}-{i}-kind": facility.kind,
                f"{prefix}-{i}-quantity": facility.quantity,
                f"{prefix}-{i}-in_service": "on" if facility.in_service else "",
            }
        )
    n = len(existing)
    data.update(
        {
            f"{prefix}-{n}-entrance": entrance.pk,
            f"{prefix}-{n}-kind": "alarm",
            f"{prefix}-{n}-quantity": 1,
            f"{prefix}-{n}-in_service": "on",
        }
    )
    response = client.post(reverse("admin:patrols_entrance_change", args=[entrance.pk]), data)
    assert response.status_code == 302, response.content[:2000]
    added = entrance.facilities.get(kind="alarm")
    assert (added.location, added.compound_id) == ("entrance", entrance.compound_id)


def test_the_admin_export_is_the_shared_exporter(client, facilities):
    client.force_login(facilities.street)
    response = client.get(reverse("admin:patrols_facility_export"))
    assert response.status_code == 200


def _grow(city, n):
    from tests import factories as f
    from tests.patrols.conftest_facilities import gate, whole

    for i in range(n):
        compound = f.CompoundFactory(community=city.communities[i % 3])
        f.ManagementTermFactory(compound=compound, company=city.company_a)
        gate(compound, "大门")
        whole(compound, FacilityKind.PERIMETER)


@pytest.mark.parametrize("model", ["facility", "entrance"])
def test_changelist_query_counts_do_not_grow(
    client, facilities, model, django_assert_max_num_queries
):
    client.force_login(facilities.manager_a)
    url = reverse(f"admin:patrols_{model}_changelist")
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    _grow(facilities, 12)
    with django_assert_max_num_queries(30) as large:
        response = client.get(url)
    assert len(response.context["cl"].result_list) > 12
    assert len(large.captured_queries) == len(small.captured_queries)
