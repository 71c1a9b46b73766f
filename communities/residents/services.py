"""Writes of residents and rented homes: add, correct, move out, register a residence, set a
home rented with its landlord.

Who may: the permission (``residents.roles``: whoever keeps households keeps their residents)
and the household in the actor's scope. Each service is one transaction; django-auditlog
records the rows (personal fields masked).

A person lives in one household at a time (the constraint ``resident_one_household``). The
refusal says where only when the actor may see that household; otherwise it says no more than
"elsewhere", so a company cannot learn where a person lives by typing an ID number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities import audit
from communities.models import Household, Occupancy, Resident
from communities.validators import normalize_document_number
from communities.workflow import MSG_NOT_ALLOWED, WorkflowError, require

MSG_LIVES_HERE = _("This person is already recorded as living in this household.")
MSG_LIVES_AT = _(
    "This person is recorded as living in %(place)s: move them out there before adding them here."
)
MSG_LIVES_ELSEWHERE = _(
    "This person is recorded as living in another household, outside your area: the community "
    "committee there must move them out first."
)
MSG_MOVED_IN_BEFORE_LAST = _(
    "This person moved out of their last home on the register after this date: the date of "
    "moving in here cannot be earlier."
)
MSG_ALREADY_OUT = _("This resident has already moved out.")
MSG_MOVE_OUT_BEFORE_IN = _("The date of moving out cannot be before the date of moving in.")
MSG_LANDLORD_REQUIRED = _("A rented home keeps its landlord's name and phone (谁出租谁负责).")


@dataclass
class Person:
    """What is typed for a resident (the form's and the import's cleaned values)."""

    name: str
    id_number: str
    document_type: str = "id_card"
    phone: str = ""
    kind: str = "registered"
    relation: str = "family"
    moved_in: datetime.date | None = None
    registered_on: datetime.date | None = None
    registered_by: str = ""
    permit_expires: datetime.date | None = None


def _household_in_scope(actor, household: Household) -> None:
    if actor is None:
        return
    if not Household.objects.visible_to(actor).filter(pk=household.pk).exists():
        raise WorkflowError(MSG_NOT_ALLOWED)


def where_lives(actor, *, document_type: str, id_number: str, exclude_pk=None):
    """The present resident with this document, or None (no scope check: callers word it)."""
    rows = Resident.objects.filter(
        document_type=document_type,
        id_number=normalize_document_number(id_number),
        moved_out__isnull=True,
    ).select_related("household__compound")
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    return rows.first()


def lives_elsewhere_message(actor, resident: Resident, household: Household | None) -> str:
    """The refusal for a person already living somewhere: the place only if the actor sees it."""
    if household is not None and resident.household_id == household.pk:
        return str(MSG_LIVES_HERE)
    visible = actor is None or (
        Household.objects.visible_to(actor).filter(pk=resident.household_id).exists()
    )
    if visible:
        return str(MSG_LIVES_AT) % {"place": str(resident.household)}
    # A person found outside the actor's area: the refusal says no more, and the audit trail
    # records the attempt (written after the request, whatever its transaction does).
    audit.refused(audit.current_request(), Resident, resident.pk, whatever_the_answer=True)
    return str(MSG_LIVES_ELSEWHERE)


def _refuse_if_living_elsewhere(actor, resident: Resident, household: Household) -> None:
    other = where_lives(
        actor,
        document_type=resident.document_type,
        id_number=resident.id_number,
        exclude_pk=resident.pk,
    )
    if other is not None:
        raise WorkflowError(lives_elsewhere_message(actor, other, household))


def _after_last_home(resident: Resident) -> None:
    """A person who moved out of another household moves in here on or after that day, so no
    past day counts them in two homes: an unknown date of moving in becomes that day, an
    earlier one is refused (without saying where the last home was)."""
    last = (
        Resident.objects.filter(
            document_type=resident.document_type,
            id_number=resident.id_number,
            moved_out__isnull=False,
        )
        .exclude(pk=resident.pk)
        .order_by("-moved_out")
        .values_list("moved_out", flat=True)
        .first()
    )
    if last is None:
        return
    if resident.moved_in is None:
        resident.moved_in = last
    elif resident.moved_in < last:
        raise ValidationError({"moved_in": MSG_MOVED_IN_BEFORE_LAST})


def _save(actor, resident: Resident) -> Resident:
    """Validate and save; a concurrent save of the same person meets the constraint and gets
    the same refusal as the check."""
    resident.full_clean(validate_constraints=False)
    _refuse_if_living_elsewhere(actor, resident, resident.household)
    _after_last_home(resident)
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError:
        _refuse_if_living_elsewhere(actor, resident, resident.household)
        raise
    return resident


@transaction.atomic
def resident_add(*, actor, household: Household, person: Person) -> Resident:
    """Record a person living in the household. Refused: no permission, a household outside
    the actor's scope, an invalid document, a person living in another household."""
    require(actor, "communities.add_resident")
    _household_in_scope(actor, household)
    resident = Resident(household=household, created_by=actor, **person.__dict__)
    return _save(actor, resident)


#: What a reader who sees personal data masked cannot change (nor read back).
PERSONAL_FIELDS = ("name", "document_type", "id_number", "phone")


@transaction.atomic
def resident_update(
    *, actor, resident: Resident, person: Person, keep: tuple[str, ...] = ()
) -> Resident:
    """Correct a resident's data or record their residence registration. The fields named in
    ``keep`` keep their stored values, read under the row lock (a form that did not show them
    never writes back what it read before someone else corrected them)."""
    require(actor, "communities.change_resident")
    _household_in_scope(actor, resident.household)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.moved_out is not None:
        raise WorkflowError(MSG_ALREADY_OUT)
    for name, value in person.__dict__.items():
        if name not in keep:
            setattr(resident, name, value)
    return _save(actor, resident)


@transaction.atomic
def resident_delete(*, actor, resident: Resident) -> None:
    """Delete a resident recorded by mistake, or whose data must go (PIPL art. 47). Moving out
    is the usual way a resident leaves; this leaves no history but the audit trail's."""
    require(actor, "communities.delete_resident")
    _household_in_scope(actor, resident.household)
    Resident.objects.filter(pk=resident.pk).delete()


@transaction.atomic
def resident_move_out(*, actor, resident: Resident, on: datetime.date | None = None) -> Resident:
    """The resident moved out on the day (today by default): kept in the history, not counted."""
    require(actor, "communities.change_resident")
    _household_in_scope(actor, resident.household)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.moved_out is not None:
        raise WorkflowError(MSG_ALREADY_OUT)
    on = on or timezone.localdate()
    if resident.moved_in and on < resident.moved_in:
        raise WorkflowError(MSG_MOVE_OUT_BEFORE_IN)
    resident.moved_out = on
    try:
        resident.full_clean(validate_constraints=False)
    except ValidationError as refused:
        raise WorkflowError("; ".join(refused.messages)) from None
    resident.save(update_fields=["moved_out", "updated_at"])
    return resident


@transaction.atomic
def household_occupancy_set(
    *,
    actor,
    household: Household,
    occupancy: str,
    landlord_name: str = "",
    landlord_phone: str = "",
    keep_landlord: bool = False,
) -> Household:
    """Mark a home owner-occupied, rented (with its landlord: name and phone) or vacant. With
    ``keep_landlord`` (a form that showed the landlord masked), both left empty keep the one on
    record, as read under the row lock; one of them alone is refused like any missing one. A
    home no longer let loses its landlord (``Household.normalise``)."""
    require(actor, "communities.change_household")
    _household_in_scope(actor, household)
    household = Household.objects.select_for_update().get(pk=household.pk)
    household.occupancy = occupancy
    if occupancy == Occupancy.RENTED and not (
        keep_landlord and not landlord_name and not landlord_phone
    ):
        household.landlord_name = landlord_name
        household.landlord_phone = landlord_phone
    household.normalise()
    if occupancy == Occupancy.RENTED and not (household.landlord_name and household.landlord_phone):
        raise WorkflowError(MSG_LANDLORD_REQUIRED)
    household.full_clean(validate_constraints=False)
    household.save()
    return household
