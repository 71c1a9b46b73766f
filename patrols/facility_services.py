"""Writes of 物防/技防 facilities: entrances and facilities kept by whoever acts for a compound,
and the daily job that raises a hazard for a facility out of service too long.

Each service is keyword-only, checks the actor's permission and scope (``require``; ``actor=None``
is the system), validates through the model's ``full_clean`` (``Facility.clean`` holds the field
rules, which the admin's forms run too) and writes in one transaction; django-auditlog records
every change.

Out of service: ``in_service`` false keeps the day it stopped (``out_of_service_since``, today
unless said); back in service clears that day and the link to the hazard it raised, so a later
failure raises a new one.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from communities.models import Compound
from communities.workflow import WorkflowError, require
from inspections.models import HazardCategory, HazardSource, Severity
from inspections.services.hazards import hazard_raise
from patrols.models import Entrance, Facility, FacilityKind, FacilityLocation

logger = logging.getLogger(__name__)

MSG_ENTRANCE_HAS_FACILITIES = _(
    "This entrance still has facilities: move or delete them before deleting the entrance."
)
MSG_NO_COMPANY = _("the compound's management (no property company)")
MSG_HAZARD_TEXT = _(
    "%(kind)s (%(place)s, %(quantity)s) out of service since %(since)s, more than %(days)s days."
)
# How long the company gets to repair a facility the job reports (within the hazard bounds).
HAZARD_DEADLINE_DAYS = 15


# Entrances ----------------------------------------------------------------------------------


@transaction.atomic
def entrance_create(*, actor, compound: Compound, name: str, kind: str) -> Entrance:
    require(actor, "patrols.add_entrance", compound)
    entrance = Entrance(compound=compound, name=name.strip(), kind=kind)
    entrance.full_clean()
    entrance.save()
    return entrance


@transaction.atomic
def entrance_update(*, actor, entrance: Entrance, name: str, kind: str) -> Entrance:
    require(actor, "patrols.change_entrance", entrance.compound)
    entrance.name, entrance.kind = name.strip(), kind
    entrance.full_clean()
    entrance.save()
    return entrance


@transaction.atomic
def entrance_delete(*, actor, entrance: Entrance) -> None:
    """Delete an entrance that no facility stands at any more."""
    require(actor, "patrols.delete_entrance", entrance.compound)
    if entrance.facilities.exists():
        raise WorkflowError(MSG_ENTRANCE_HAS_FACILITIES)
    entrance.delete()


# Facilities ---------------------------------------------------------------------------------


def _stored_in_service(facility: Facility) -> bool | None:
    if facility.pk is None:
        return None
    return Facility.objects.filter(pk=facility.pk).values_list("in_service", flat=True).first()


def _service_state(facility: Facility, since: datetime.date | None) -> None:
    """Keep ``out_of_service_since`` and the hazard link true to ``in_service``."""
    if facility.in_service:
        facility.out_of_service_since = None
        facility.hazard = None  # repaired: a later failure raises a new hazard
    else:
        facility.out_of_service_since = (
            since or facility.out_of_service_since or timezone.localdate()
        )


@transaction.atomic
def facility_save(*, actor, facility: Facility, since: datetime.date | None = None) -> Facility:
    """Save a new or changed facility (the admin's forms call this too): permission and scope
    of its compound (the stored one as well, for a change), the in-service rule, the model's
    checks."""
    stored = _stored_in_service(facility)
    perm = "patrols.add_facility" if stored is None else "patrols.change_facility"
    require(actor, perm, facility.compound)
    if stored is not None:
        before = Facility.objects.select_related("compound").get(pk=facility.pk)
        require(actor, perm, before.compound)
    _service_state(facility, since)
    facility.full_clean(exclude=["hazard"])
    facility.save()
    return facility


def facility_create(
    *,
    actor,
    compound: Compound,
    kind: str,
    location: str,
    entrance: Entrance | None = None,
    building: str = "",
    quantity: int = 1,
    in_service: bool = True,
    out_of_service_since: datetime.date | None = None,
    checked_on: datetime.date | None = None,
) -> Facility:
    facility = Facility(
        compound=compound,
        kind=kind,
        location=location,
        entrance=entrance,
        building=building,
        quantity=quantity,
        in_service=in_service,
        checked_on=checked_on,
    )
    return facility_save(actor=actor, facility=facility, since=out_of_service_since)


FACILITY_FIELDS = ("kind", "location", "entrance", "building", "quantity", "checked_on")


def facility_update(
    *,
    actor,
    facility: Facility,
    in_service: bool | None = None,
    out_of_service_since: datetime.date | None = None,
    **changes,
) -> Facility:
    """Change what was recorded (``kind``, ``location``, ``entrance``, ``building``,
    ``quantity``, ``checked_on``) and, if given, whether it works."""
    unknown = set(changes) - set(FACILITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown facility fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(facility, name, value)
    if in_service is not None:
        facility.in_service = in_service
    return facility_save(actor=actor, facility=facility, since=out_of_service_since)


@transaction.atomic
def facility_set_in_service(
    *, actor, facility: Facility, in_service: bool, since: datetime.date | None = None
) -> Facility:
    """Mark a facility out of service (from ``since``, today by default) or repaired."""
    facility = Facility.objects.select_for_update().select_related("compound").get(pk=facility.pk)
    if not in_service and facility.in_service is False and since is None:
        return facility  # already out of service: keep the day it stopped
    facility.in_service = in_service
    if in_service:
        facility.checked_on = timezone.localdate()
    return facility_save(actor=actor, facility=facility, since=since)


@transaction.atomic
def facility_delete(*, actor, facility: Facility) -> None:
    require(actor, "patrols.delete_facility", facility.compound)
    facility.delete()


# The daily job ------------------------------------------------------------------------------


def hazard_category(kind: str) -> str:
    """Fire equipment is fire safety; every other facility guards public order."""
    if kind == FacilityKind.FIRE_EQUIPMENT:
        return HazardCategory.FIRE
    return HazardCategory.PUBLIC_ORDER


def _place(facility: Facility) -> str:
    if facility.location == FacilityLocation.ENTRANCE and facility.entrance_id:
        return facility.entrance.name
    if facility.location == FacilityLocation.BUILDING and facility.building:
        return facility.building
    return str(facility.get_location_display())


def _responsible_party(compound: Compound) -> str:
    term = compound.current_term()
    return term.company.name if term is not None else str(MSG_NO_COMPANY)


def facilities_out_of_service_too_long(today: datetime.date):
    """Facilities out of service for more than ``FACILITY_OUT_OF_SERVICE_DAYS`` that have not
    raised their hazard yet."""
    limit = today - datetime.timedelta(days=settings.FACILITY_OUT_OF_SERVICE_DAYS)
    return Facility.objects.filter(
        in_service=False, out_of_service_since__lt=limit, hazard__isnull=True
    )


@transaction.atomic
def facility_raise_hazard(*, facility_id: int, today: datetime.date) -> bool:
    """Raise the hazard of one facility out of service too long, once: the row is locked and
    checked again, so two runs at once raise one hazard. True when one was raised."""
    facility = (
        facilities_out_of_service_too_long(today).select_for_update().filter(pk=facility_id).first()
    )
    if facility is None:
        return False
    facility = Facility.objects.select_related("compound", "entrance").get(pk=facility.pk)
    with override(settings.LANGUAGE_CODE):  # a stored text: in the site's language
        description = str(MSG_HAZARD_TEXT) % {
            "kind": facility.get_kind_display(),
            "place": _place(facility),
            "quantity": facility.quantity,
            "since": facility.out_of_service_since.isoformat(),
            "days": settings.FACILITY_OUT_OF_SERVICE_DAYS,
        }
        responsible = _responsible_party(facility.compound)
    hazard = hazard_raise(
        compound=facility.compound,
        actor=None,
        category=hazard_category(facility.kind),
        severity=Severity.MEDIUM,
        description=description,
        responsible_party=responsible[:100],
        deadline=today + datetime.timedelta(days=HAZARD_DEADLINE_DAYS),
        source=HazardSource.OTHER,
        source_url=reverse("patrols:facility_compound", args=[facility.compound.code]),
    )
    Facility.objects.filter(pk=facility.pk).update(hazard=hazard)
    return True


def facilities_raise_out_of_service_hazards(*, today: datetime.date | None = None) -> int:
    """The daily job: a hazard for each facility out of service too long (once each); returns
    how many were raised. One facility's failure does not stop the others."""
    today = today or timezone.localdate()
    ids = facilities_out_of_service_too_long(today).order_by("pk").values_list("pk", flat=True)
    raised = 0
    for pk in list(ids):
        try:
            raised += facility_raise_hazard(facility_id=pk, today=today)
        except (WorkflowError, ValidationError):
            logger.exception("facility %s: the out-of-service hazard was refused", pk)
    return raised
