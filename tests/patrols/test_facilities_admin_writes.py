"""The facility admin writes through the services: an entrance is added with the service's
checks, one with facilities cannot be deleted (not even in bulk), a facility is deleted by the
service."""

import pytest
from django.urls import reverse

from patrols.models import Entrance, Facility

from .conftest_facilities import gate

pytestmark = pytest.mark.django_db


def test_an_entrance_is_added_in_the_admin_through_the_service(client, city):
    client.force_login(city.community)
    response = client.post(
        reverse("admin:patrols_entrance_add"),
        {
            "compound": city.compounds["A1"].pk,
            "name": " 北门 ",
            "kind": "both",
            "facilities-TOTAL_FORMS": "0",
            "facilities-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:500]
    assert Entrance.objects.get(compound=city.compounds["A1"]).name == "北门"


def test_an_entrance_of_another_area_cannot_be_added(client, city):
    client.force_login(city.community)
    response = client.post(
        reverse("admin:patrols_entrance_add"),
        {
            "compound": city.compounds["B1"].pk,
            "name": "北门",
            "kind": "both",
            "facilities-TOTAL_FORMS": "0",
            "facilities-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the compound is not a choice: the form refuses it
    assert not Entrance.objects.exists()


def test_an_entrance_with_facilities_is_not_deleted(client, city):
    entrance = gate(city.compounds["A1"], "东门")
    client.force_login(city.community)
    url = reverse("admin:patrols_entrance_delete", args=[entrance.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    listing = client.get(reverse("admin:patrols_entrance_changelist")).content.decode()
    assert "delete_selected" not in listing
    assert Entrance.objects.filter(pk=entrance.pk).exists()
    assert Facility.objects.filter(entrance=entrance).count() == 3


def test_a_facility_is_deleted_through_the_service(client, city):
    entrance = gate(city.compounds["A1"], "东门")
    facility = entrance.facilities.first()
    client.force_login(city.community)
    response = client.post(
        reverse("admin:patrols_facility_delete", args=[facility.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Facility.objects.filter(pk=facility.pk).exists()
    client.force_login(city.manager_b)
    other = entrance.facilities.first()
    assert (
        client.post(
            reverse("admin:patrols_facility_delete", args=[other.pk]), {"post": "yes"}
        ).status_code
        == 404
    )
