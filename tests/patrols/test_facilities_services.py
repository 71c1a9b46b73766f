"""The facilities' services: the field rules, permission and scope, the in-service rule, and
the daily job that raises a hazard once for a facility out of service too long (under
time-machine: not before the day, once, and again after a repair and a new failure)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from communities.workflow import WorkflowError
from inspections.models import Hazard, HazardCategory, HazardSource
from patrols import facility_services as fs
from patrols.facility_tasks import raise_out_of_service_hazards
from patrols.models import EntranceKind, Facility, FacilityKind, FacilityLocation
from patrols.models.facilities import (
    MSG_BUILDING_NEEDED,
    MSG_CHECKED_IN_FUTURE,
    MSG_ENTRANCE_NEEDED,
    MSG_ENTRANCE_OTHER_COMPOUND,
)

pytestmark = pytest.mark.django_db
K, L = FacilityKind, FacilityLocation


def _gate(city, code="A1", name="北门"):
    return fs.entrance_create(
        actor=city.manager_a if code.startswith("A") else None,
        compound=city.compounds[code],
        name=name,
        kind=EntranceKind.BOTH,
    )


def _messages(error: ValidationError, field: str) -> list[str]:
    return [str(m) for m in error.message_dict[field]]


def test_a_facility_at_an_entrance_needs_an_entrance_of_its_own_compound(city):
    with pytest.raises(ValidationError) as missing:
        fs.facility_create(
            actor=city.manager_a, compound=city.compounds["A1"], kind=K.CAMERA, location=L.ENTRANCE
        )
    assert _messages(missing.value, "entrance") == [str(MSG_ENTRANCE_NEEDED)]
    other = _gate(city, "A2", "东门")
    with pytest.raises(ValidationError) as elsewhere:
        fs.facility_create(
            actor=city.manager_a,
            compound=city.compounds["A1"],
            kind=K.CAMERA,
            location=L.ENTRANCE,
            entrance=other,
        )
    assert _messages(elsewhere.value, "entrance") == [str(MSG_ENTRANCE_OTHER_COMPOUND)]
    assert not Facility.objects.exists()


def test_building_quantity_and_dates_are_checked(city):
    a1 = city.compounds["A1"]
    with pytest.raises(ValidationError) as no_building:
        fs.facility_create(actor=city.manager_a, compound=a1, kind=K.ALARM, location=L.BUILDING)
    assert _messages(no_building.value, "building") == [str(MSG_BUILDING_NEEDED)]
    with pytest.raises(ValidationError) as too_many:
        fs.facility_create(
            actor=city.manager_a, compound=a1, kind=K.LIGHTING, location=L.PERIMETER, quantity=1000
        )
    assert "quantity" in too_many.value.message_dict
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as future:
        fs.facility_create(
            actor=city.manager_a,
            compound=a1,
            kind=K.PERIMETER,
            location=L.PERIMETER,
            checked_on=tomorrow,
        )
    assert _messages(future.value, "checked_on") == [str(MSG_CHECKED_IN_FUTURE)]
    assert not Facility.objects.exists()


def test_entrance_names_are_unique_in_a_compound(city):
    _gate(city)
    with pytest.raises(ValidationError):
        _gate(city)
    _gate(city, "A2")  # the same name elsewhere is fine


def test_another_companys_compound_is_refused(city):
    with pytest.raises(WorkflowError):
        fs.entrance_create(
            actor=city.manager_a, compound=city.compounds["B1"], name="西门", kind=EntranceKind.BOTH
        )
    with pytest.raises(WorkflowError):  # a viewer only looks
        fs.entrance_create(
            actor=city.viewer_a, compound=city.compounds["A1"], name="西门", kind=EntranceKind.BOTH
        )
    gate = _gate(city, "B1", "西门")
    facility = fs.facility_create(
        actor=None, compound=gate.compound, kind=K.CAMERA, location=L.ENTRANCE, entrance=gate
    )
    with pytest.raises(WorkflowError):
        fs.facility_set_in_service(actor=city.manager_a, facility=facility, in_service=False)
    facility.refresh_from_db()
    assert facility.in_service


def test_an_entrance_with_facilities_is_not_deleted(city):
    gate = _gate(city)
    fs.facility_create(
        actor=city.manager_a,
        compound=gate.compound,
        kind=K.CAMERA,
        location=L.ENTRANCE,
        entrance=gate,
    )
    with pytest.raises(WorkflowError):
        fs.entrance_delete(actor=city.manager_a, entrance=gate)
    Facility.objects.all().delete()
    fs.entrance_delete(actor=city.manager_a, entrance=gate)
    assert not gate.compound.entrances.exists()


def test_out_of_service_keeps_the_day_and_repair_clears_it(city):
    a1 = city.compounds["A1"]
    facility = fs.facility_create(
        actor=city.manager_a, compound=a1, kind=K.PERIMETER, location=L.PERIMETER
    )
    today = timezone.localdate()
    since = today - datetime.timedelta(days=3)
    facility = fs.facility_set_in_service(
        actor=city.manager_a, facility=facility, in_service=False, since=since
    )
    assert (facility.in_service, facility.out_of_service_since) == (False, since)
    again = fs.facility_set_in_service(actor=city.manager_a, facility=facility, in_service=False)
    assert again.out_of_service_since == since  # marking it again keeps the first day
    repaired = fs.facility_set_in_service(actor=city.manager_a, facility=facility, in_service=True)
    assert (repaired.in_service, repaired.out_of_service_since) == (True, None)
    assert repaired.checked_on == today
    broken = fs.facility_update(actor=city.manager_a, facility=repaired, in_service=False)
    assert broken.out_of_service_since == today


def _broken(city, code="A1", kind=K.CAMERA, days=0):
    gate = _gate(city, code, f"{kind}门")
    facility = fs.facility_create(
        actor=None,
        compound=gate.compound,
        kind=kind,
        location=L.ENTRANCE,
        entrance=gate,
        in_service=False,
        out_of_service_since=timezone.localdate() - datetime.timedelta(days=days),
    )
    return facility


def test_the_job_raises_a_hazard_once_after_the_days_and_again_after_repair(city, settings):
    settings.FACILITY_OUT_OF_SERVICE_DAYS = 30
    start = timezone.localdate()
    facility = _broken(city)
    with time_machine.travel(start + datetime.timedelta(days=30), tick=False):
        assert raise_out_of_service_hazards() == 0  # 30 days: not more than 30 yet
    with time_machine.travel(start + datetime.timedelta(days=31), tick=False):
        assert raise_out_of_service_hazards() == 1
        assert raise_out_of_service_hazards() == 0  # once
    facility.refresh_from_db()
    hazard = facility.hazard
    assert hazard.source == HazardSource.OTHER
    assert hazard.category == HazardCategory.PUBLIC_ORDER
    assert hazard.responsible_party == "甲物业公司"
    assert hazard.compound_id == facility.compound_id
    assert hazard.source_url == f"/facilities/compound/{facility.compound.code}/"
    assert hazard.deadline == start + datetime.timedelta(days=31 + fs.HAZARD_DEADLINE_DAYS)
    with time_machine.travel(start + datetime.timedelta(days=40), tick=False):
        fs.facility_set_in_service(actor=city.manager_a, facility=facility, in_service=True)
        assert raise_out_of_service_hazards() == 0
        facility.refresh_from_db()
        assert facility.hazard is None
        fs.facility_set_in_service(actor=city.manager_a, facility=facility, in_service=False)
    with time_machine.travel(start + datetime.timedelta(days=70), tick=False):
        assert raise_out_of_service_hazards() == 0
    with time_machine.travel(start + datetime.timedelta(days=71), tick=False):
        assert raise_out_of_service_hazards() == 1
    assert Hazard.objects.filter(compound=facility.compound).count() == 2


def test_fire_equipment_is_fire_safety_and_a_compound_without_company_is_named(city, settings):
    settings.FACILITY_OUT_OF_SERVICE_DAYS = 30
    facility = _broken(city, "N1", K.FIRE_EQUIPMENT, days=31)
    assert fs.facilities_raise_out_of_service_hazards() == 1
    facility.refresh_from_db()
    assert facility.hazard.category == HazardCategory.FIRE
    assert facility.hazard.responsible_party  # the compound's management, in words


def test_a_facility_in_service_or_recently_broken_raises_nothing(city, settings):
    settings.FACILITY_OUT_OF_SERVICE_DAYS = 30
    _broken(city, days=10)
    fs.facility_create(
        actor=None, compound=city.compounds["A2"], kind=K.PERIMETER, location=L.PERIMETER
    )
    assert fs.facilities_raise_out_of_service_hazards() == 0
    assert not Hazard.objects.exists()
