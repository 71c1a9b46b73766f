"""Hazards: raise, start, rectify (property company), verify or reject (another role)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from communities.acting import users_acting_for
from communities.models import Compound, OrganisationKind
from communities.notifications import notify
from communities.uploads import store_upload
from communities.workflow import check_deadline, deadline_bounds
from inspections import errors as e
from inspections import notices as N
from inspections.errors import WorkflowError
from inspections.models import (
    Answer,
    Hazard,
    HazardAction,
    HazardEvent,
    HazardSource,
    HazardStatus,
    Inspection,
)

from .common import require

H = HazardStatus
A = HazardAction


def _event(hazard: Hazard, action: HazardAction, actor, before: str, note: str = "") -> HazardEvent:
    return HazardEvent.objects.create(
        hazard=hazard,
        action=action,
        from_status=before,
        to_status=hazard.status,
        actor=actor,
        note=note,
        deadline=hazard.deadline,
    )


def _lock(hazard: Hazard) -> Hazard:
    return Hazard.objects.select_for_update().get(pk=hazard.pk)


def _require_status(hazard: Hazard, *allowed: str) -> None:
    if hazard.status not in allowed:
        raise WorkflowError(e.MSG_HAZARD_WRONG_STATE.format(status=hazard.get_status_display()))


def hazard_deadline_bounds(*, renewed: bool = False) -> tuple[datetime.date, datetime.date]:
    """The days a user may set as a rectification deadline today (forms show them)."""
    return deadline_bounds(max_days=settings.HAZARD_DEADLINE_MAX_DAYS, after_today=renewed)


def hazard_deadline_check(deadline: datetime.date, *, renewed: bool = False) -> None:
    """A hazard's first deadline may be today, a new one after a rejection must be later;
    neither more than ``HAZARD_DEADLINE_MAX_DAYS`` ahead (forms call this too)."""
    check_deadline(
        deadline,
        max_days=settings.HAZARD_DEADLINE_MAX_DAYS,
        after_today=renewed,
        too_early=e.MSG_DEADLINE_PAST if renewed else e.MSG_DEADLINE_BEFORE_TODAY,
    )


def company_users(compound: Compound):
    """Members who act for the company that runs the compound today (viewers only look)."""
    return users_acting_for(compound, (OrganisationKind.PROPERTY_COMPANY,))


@transaction.atomic
def hazard_raise(
    *,
    compound: Compound,
    actor,
    category: str,
    description: str,
    responsible_party: str,
    deadline: datetime.date,
    severity: str = "medium",
    source: str = HazardSource.OTHER,
    inspection: Inspection | None = None,
    answer: Answer | None = None,
    photo=None,
    source_url: str = "",
) -> Hazard:
    """Record a hazard, on its own or from a failed item of an inspection, and tell the company.

    ``source_url`` is the page of the record that raised it in another app (a patrol log), shown
    on the hazard's page as a link back; this app never imports that one."""
    require(actor, "inspections.add_hazard", compound)
    if answer is not None:
        inspection = answer.inspection
    if inspection is not None:
        if inspection.compound_id != compound.pk:
            raise WorkflowError(e.MSG_NOT_ALLOWED)
        source = inspection.kind  # self_check or supervision
    if actor is not None:  # the system (demo, imports of old ledgers) may record past ones
        hazard_deadline_check(deadline)
    hazard = Hazard(
        compound=compound,
        source=source,
        inspection=inspection,
        answer=answer,
        category=category,
        severity=severity,
        description=description,
        responsible_party=responsible_party,
        deadline=deadline,
        raised_by=actor,
        source_url=source_url,
    )
    hazard.full_clean(exclude=["photo", "after_photo"])
    if photo:  # stored only once the rest is valid: no orphan files
        store_upload(hazard.photo, photo, stem="photo")
    hazard.save()
    _event(hazard, A.RAISE, actor, "")
    notify(
        users=company_users(compound),
        kind=N.HAZARD_ASSIGNED,
        params={"compound": compound.name, "deadline": deadline.isoformat()},
        url=reverse("inspections:hazard_detail", args=[hazard.pk]),
        dedup_key=f"hazard_assigned:{hazard.pk}",
    )
    return hazard


@transaction.atomic
def hazard_start(*, hazard: Hazard, actor) -> Hazard:
    """The company starts rectifying an open hazard."""
    hazard = _lock(hazard)
    require(actor, "inspections.rectify_hazard", hazard.compound)
    _require_status(hazard, H.OPEN)
    hazard.status = H.RECTIFYING
    hazard.save()
    _event(hazard, A.START, actor, H.OPEN)
    return hazard


@transaction.atomic
def hazard_rectify(*, hazard: Hazard, actor, note: str, after_photo=None) -> Hazard:
    """The company reports the hazard rectified, with an explanation and an after-photo."""
    hazard = _lock(hazard)
    require(actor, "inspections.rectify_hazard", hazard.compound)
    _require_status(hazard, H.OPEN, H.RECTIFYING)
    if not note.strip():
        raise WorkflowError(e.MSG_RECTIFY_NEEDS_NOTE)
    before = hazard.status
    hazard.rectification_note = note.strip()
    if after_photo:
        store_upload(hazard.after_photo, after_photo, stem="after")
    hazard.status = H.RECTIFIED
    hazard.rectified_at, hazard.rectified_by = timezone.now(), actor
    hazard.save()
    _event(hazard, A.RECTIFY, actor, before, hazard.rectification_note)
    return hazard


def _require_verifier(hazard: Hazard, actor) -> None:
    require(actor, "inspections.verify_hazard", hazard.compound)
    if actor is not None and hazard.rectified_by_id == actor.pk:
        raise WorkflowError(e.MSG_OWN_VERIFY)
    _require_status(hazard, H.RECTIFIED)


@transaction.atomic
def hazard_verify(*, hazard: Hazard, actor, note: str = "") -> Hazard:
    hazard = _lock(hazard)
    _require_verifier(hazard, actor)
    hazard.status = H.VERIFIED
    hazard.verified_at, hazard.verified_by = timezone.now(), actor
    hazard.save()
    _event(hazard, A.VERIFY, actor, H.RECTIFIED, note)
    return hazard


@transaction.atomic
def hazard_reject(*, hazard: Hazard, actor, reason: str, deadline: datetime.date) -> Hazard:
    """The rectification is not good enough: back to rectifying with a new deadline."""
    hazard = _lock(hazard)
    _require_verifier(hazard, actor)
    if not reason.strip():
        raise WorkflowError(e.MSG_REASON_REQUIRED)
    hazard_deadline_check(deadline, renewed=True)
    hazard.status = H.RECTIFYING
    hazard.deadline = deadline
    hazard.save()
    _event(hazard, A.REJECT, actor, H.RECTIFIED, reason.strip())
    notify(
        users=company_users(hazard.compound),
        kind=N.HAZARD_ASSIGNED,
        text=N.HAZARD_REJECTED,
        params={"compound": hazard.compound.name, "deadline": deadline.isoformat()},
        url=reverse("inspections:hazard_detail", args=[hazard.pk]),
        dedup_key=f"hazard_rejected:{hazard.pk}:{deadline.isoformat()}",
    )
    return hazard


def hazards_notify_overdue(*, today: datetime.date | None = None) -> int:
    """Tell the company (once per hazard and deadline) of each overdue hazard."""
    today = today or timezone.localdate()
    sent = 0
    for hazard in Hazard.objects.overdue(today).select_related("compound"):
        created = notify(
            users=company_users(hazard.compound),
            kind=N.HAZARD_OVERDUE,
            params={"compound": hazard.compound.name, "deadline": hazard.deadline.isoformat()},
            url=reverse("inspections:hazard_detail", args=[hazard.pk]),
            dedup_key=f"hazard_overdue:{hazard.pk}:{hazard.deadline.isoformat()}",
        )
        sent += len(created)
    return sent
