"""The residents services: who may write, the documents and registration rules, one household
at a time per person (also under two concurrent saves on PostgreSQL)."""

import datetime
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from communities.models import Resident, ResidentKind
from communities.residents import services
from communities.residents.services import (
    MSG_LIVES_ELSEWHERE,
    MSG_LIVES_HERE,
    Person,
    resident_add,
    resident_move_out,
)
from communities.validators import validate_document_number
from communities.workflow import MSG_NOT_ALLOWED, WorkflowError
from tests import factories as f

TODAY = datetime.date(2026, 6, 20)
NUMBER = f.valid_id_number(55, "19900101")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 20, 9, tzinfo=datetime.UTC), tick=False):
        yield


def person(**extra) -> Person:
    return Person(**{"name": "韩立新", "id_number": NUMBER, **extra})


def test_a_viewer_and_a_household_outside_the_scope_are_refused(city):
    with pytest.raises(WorkflowError) as refused:
        resident_add(actor=city.viewer_a, household=city.households["A1"], person=person())
    assert refused.value.message == MSG_NOT_ALLOWED
    with pytest.raises(WorkflowError):
        resident_add(actor=city.manager_a, household=city.households["B1"], person=person())
    assert not Resident.objects.exists()


def test_a_person_moves_house_only_after_moving_out(city):
    first = resident_add(actor=city.community, household=city.households["A1"], person=person())
    with pytest.raises(WorkflowError) as here:
        resident_add(actor=city.community, household=city.households["A1"], person=person())
    assert here.value.message == str(MSG_LIVES_HERE)
    with pytest.raises(WorkflowError) as there:
        resident_add(actor=city.community, household=city.households["A2"], person=person())
    assert "甲一小区" in there.value.message
    resident_move_out(actor=city.community, resident=first, on=TODAY)
    moved = resident_add(actor=city.community, household=city.households["A2"], person=person())
    assert Resident.objects.filter(id_number=NUMBER).count() == 2
    assert Resident.objects.present(TODAY).get(id_number=NUMBER) == moved


def test_the_refusal_outside_the_scope_names_no_place(city):
    resident_add(actor=city.bureau, household=city.households["B1"], person=person())
    with pytest.raises(WorkflowError) as refused:
        resident_add(actor=city.manager_a, household=city.households["A1"], person=person())
    assert refused.value.message == str(MSG_LIVES_ELSEWHERE)
    assert "乙一小区" not in refused.value.message and "B1" not in refused.value.message


def test_the_same_number_with_another_document_type_is_another_person(city):
    resident_add(
        actor=city.community,
        household=city.households["A1"],
        person=person(id_number="E1234567", document_type="passport", kind="foreign"),
    )
    resident_add(actor=city.community, household=city.households["A2"], person=person())
    assert Resident.objects.count() == 2


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"id_number": NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")}, "id_number"),
        ({"kind": "foreign"}, "document_type"),  # from abroad with an identity card
        ({"document_type": "passport", "id_number": "E1234567"}, "document_type"),
        ({"registered_on": datetime.date(2026, 1, 1), "registered_by": "派出所"}, "registered_on"),
        ({"kind": "floating", "registered_on": datetime.date(2026, 1, 1)}, "registered_by"),
        (
            {
                "kind": "floating",
                "registered_on": datetime.date(2026, 1, 1),
                "registered_by": "和平派出所",
                "permit_expires": datetime.date(2025, 12, 31),
            },
            "permit_expires",
        ),
        ({"moved_in": datetime.date(2026, 6, 21)}, "moved_in"),
        ({"phone": "12345"}, "phone"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_writes_nothing(city, extra, field):
    with pytest.raises(ValidationError) as refused:
        resident_add(actor=city.community, household=city.households["A1"], person=person(**extra))
    assert field in refused.value.message_dict
    assert not Resident.objects.exists()


@pytest.mark.parametrize(
    "document_type,number,valid",
    [
        ("hk_macao", "H12345678", True),
        ("hk_macao", "M1234567890", True),
        ("hk_macao", "X12345678", False),
        ("taiwan", "12345678", True),
        ("taiwan", "1234567", False),
        ("passport", "E12345678", True),
        ("passport", "E1", False),
        ("foreign_permanent", "USA123456789012", True),
        ("hmt_residence", f.valid_id_number(1).replace("110101", "810000", 1), False),
    ],
)
def test_document_shapes(document_type, number, valid):
    if valid:
        validate_document_number(document_type, number)
    else:
        with pytest.raises(ValidationError):
            validate_document_number(document_type, number)


def test_a_hong_kong_residence_permit_is_checked_like_an_identity_card():
    from communities.validators import id_number_check_char

    first17 = "81000019900101123"
    validate_document_number("hmt_residence", first17 + id_number_check_char(first17))
    with pytest.raises(ValidationError):
        validate_document_number("id_card", "11010119900101123" + "Y")


def test_moving_out_twice_or_before_moving_in_is_refused(city):
    resident = resident_add(
        actor=city.community,
        household=city.households["A1"],
        person=person(moved_in=datetime.date(2026, 6, 1)),
    )
    with pytest.raises(WorkflowError):
        resident_move_out(actor=city.community, resident=resident, on=datetime.date(2026, 5, 1))
    resident_move_out(actor=city.community, resident=resident, on=TODAY)
    with pytest.raises(WorkflowError):
        resident_move_out(actor=city.community, resident=resident, on=TODAY)
    with pytest.raises(WorkflowError):
        services.resident_update(actor=city.community, resident=resident, person=person())


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency: PostgreSQL")
def test_two_concurrent_saves_of_one_person_leave_one_home(city):
    from django.db import connections

    barrier = threading.Barrier(2)
    outcomes = []

    def save(code):
        try:
            barrier.wait()
            resident_add(actor=city.bureau, household=city.households[code], person=person())
            outcomes.append("saved")
        except WorkflowError as refused:
            outcomes.append(refused.message)
        except IntegrityError:
            outcomes.append("integrity")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(code,)) for code in ("A1", "B1")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("saved") == 1
    refusal = next(o for o in outcomes if o != "saved")
    assert "小区" in refusal  # the bureau sees both homes: the refusal names the other
    assert Resident.objects.filter(id_number=NUMBER, moved_out__isnull=True).count() == 1
    assert Resident.objects.get(id_number=NUMBER).kind == ResidentKind.REGISTERED


def test_a_person_who_moved_out_elsewhere_moves_in_here_from_that_day(city):
    first = resident_add(actor=city.bureau, household=city.households["B1"], person=person())
    resident_move_out(actor=city.bureau, resident=first, on=datetime.date(2026, 6, 1))
    # An unknown date of moving in is the day they left the last home: no day counts them twice.
    moved = resident_add(actor=city.community, household=city.households["A1"], person=person())
    assert moved.moved_in == datetime.date(2026, 6, 1)
    resident_move_out(actor=city.community, resident=moved, on=datetime.date(2026, 6, 10))
    with pytest.raises(ValidationError) as refused:
        resident_add(
            actor=city.community,
            household=city.households["A2"],
            person=person(moved_in=datetime.date(2026, 6, 5)),
        )
    assert "moved_in" in refused.value.message_dict
    assert "乙一小区" not in str(refused.value) and "甲一小区" not in str(refused.value)
    for day in (datetime.date(2026, 5, 31), datetime.date(2026, 6, 5), TODAY):
        assert Resident.objects.present(day).filter(id_number=NUMBER).count() <= 1


def test_a_masked_editor_keeps_what_another_corrected_meanwhile(city):
    resident = resident_add(actor=city.community, household=city.households["A1"], person=person())
    stale = Resident.objects.get(pk=resident.pk)
    corrected = f.valid_id_number(56, "19900101")
    services.resident_update(
        actor=city.community, resident=resident, person=person(id_number=corrected)
    )
    # The company's form did not show the number: what it read before is not written back.
    services.resident_update(
        actor=city.manager_a,
        resident=stale,
        person=person(relation="owner"),
        keep=services.PERSONAL_FIELDS,
    )
    resident.refresh_from_db()
    assert (resident.id_number, resident.relation) == (corrected, "owner")


def test_deleting_a_resident_needs_the_permission_and_the_scope(city):
    resident = resident_add(actor=city.bureau, household=city.households["B1"], person=person())
    for actor in (city.viewer_a, city.manager_a):
        with pytest.raises(WorkflowError):
            services.resident_delete(actor=actor, resident=resident)
    assert Resident.objects.filter(pk=resident.pk).exists()
    services.resident_delete(actor=city.manager_b, resident=resident)
    assert not Resident.objects.filter(pk=resident.pk).exists()
