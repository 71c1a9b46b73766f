"""What every app's workflow services share: the refusal they raise and the permission check.

A service refuses with ``WorkflowError`` (its message is safe to show); views and admin
actions catch that one class whatever app raised it.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MSG_NOT_ALLOWED = _("Your role may not do this.")
MSG_REASON_REQUIRED = _("Give a reason.")
MSG_DEADLINE_RANGE = _(
    "A deadline can be at most %(days)s days from today: choose a date from %(first)s to %(last)s."
)


class WorkflowError(Exception):
    """A refused transition; its message is safe to show to the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def require(actor, perm: str, compound=None) -> None:
    """The actor holds the permission and (if given) may see the compound; else refuse.

    ``actor=None`` is the system (a scheduled job) and may do anything.
    """
    from communities.models import Compound

    if actor is None:
        return
    if not actor.has_perm(perm):
        raise WorkflowError(MSG_NOT_ALLOWED)
    if (
        compound is not None
        and not Compound.objects.visible_to(actor).filter(pk=compound.pk).exists()
    ):
        raise WorkflowError(MSG_NOT_ALLOWED)


def deadline_bounds(
    *, max_days: int, after_today: bool = False
) -> tuple[datetime.date, datetime.date]:
    """The first and last deadline a user may set today: from today (or tomorrow) to
    ``max_days`` ahead (each kind of deadline has its setting)."""
    today = timezone.localdate()
    first = today + datetime.timedelta(days=1) if after_today else today
    return first, today + datetime.timedelta(days=max_days)


def check_deadline(
    deadline: datetime.date, *, max_days: int, too_early, after_today: bool = False
) -> None:
    """Refuse a deadline before its first allowed day (with ``too_early``, the kind's message)
    or more than ``max_days`` ahead (9999-12-31 was accepted), naming the days allowed."""
    first, last = deadline_bounds(max_days=max_days, after_today=after_today)
    if deadline < first:
        raise WorkflowError(too_early)
    if deadline > last:
        raise WorkflowError(deadline_range_message(first, last, max_days))


def deadline_range_message(first: datetime.date, last: datetime.date, max_days: int) -> str:
    return MSG_DEADLINE_RANGE % {
        "days": max_days,
        "first": first.isoformat(),
        "last": last.isoformat(),
    }
