"""Checks every service makes: the actor's permission and scope."""

import datetime

from django.utils import timezone

from communities.models import Compound
from inspections.errors import MSG_NOT_ALLOWED, WorkflowError


def require(actor, perm: str, compound: Compound | None = None) -> None:
    """The actor holds the permission and (if given) may see the compound; else refuse.

    ``actor=None`` is the system (a scheduled job) and may do anything.
    """
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise WorkflowError(MSG_NOT_ALLOWED)
    if (
        compound is not None
        and not Compound.objects.visible_to(actor).filter(pk=compound.pk).exists()
    ):
        raise WorkflowError(MSG_NOT_ALLOWED)


def month_start(day: datetime.date | None = None) -> datetime.date:
    day = day or timezone.localdate()
    return day.replace(day=1)


def previous_month(period: datetime.date) -> datetime.date:
    return (period - datetime.timedelta(days=1)).replace(day=1)
