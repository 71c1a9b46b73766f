"""The daily deadline job: reminders before the deadline, overdue notices, auto-escalation.

Every notice carries a dedup key made of the case and its deadline, so running the job twice
on a day (or every day) tells each person once per deadline. An automatic escalation is checked
again under the case's lock and gives the case a new deadline at the next level, so it happens
once even when two runs overlap; a case that cannot go up (no one at the next level) stays and
is reported overdue.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from communities.notifications import notify
from disputes import notices as N
from disputes.conflict import in_conflict
from disputes.handlers import handlers_for
from disputes.models import DisputeCase

from .cases import case_auto_escalate
from .deadlines import auto_escalation_due, due_soon_until


def responsible_users(case: DisputeCase) -> list:
    """The handler and leader once fixed; before that, whoever handles the case's level. Never
    someone who must step aside (回避: a company's member left as handler of an old case about
    the company): without another named person, the level's people are told."""
    named = [u for u in (case.handler, case.leader) if u is not None]
    if case.concerns_company:
        named = [u for u in named if not in_conflict(u, case)]
    return named or list(handlers_for(case))


def _notify(case: DisputeCase, kind: str) -> int:
    created = notify(
        users=responsible_users(case),
        kind=kind,
        params={"number": case.number, "deadline": case.deadline.isoformat()},
        url=reverse("disputes:case_detail", args=[case.pk]),
        dedup_key=f"{kind}:{case.pk}:{case.deadline.isoformat()}",
    )
    return len(created)


def disputes_daily(*, today: datetime.date | None = None) -> dict:
    """Escalate what the settings say, then remind of cases due soon and of overdue ones."""
    today = today or timezone.localdate()
    related = ("compound__community__street", "handler", "leader")
    cases = DisputeCase.objects.open().select_related(*related)
    overdue_cases = DisputeCase.objects.overdue(today).select_related(*related)
    escalated = 0
    for case in overdue_cases:
        if auto_escalation_due(case.level, case.deadline, today):
            escalated += case_auto_escalate(case=case, today=today) is not None
    due, overdue = 0, 0
    for case in cases.filter(deadline__gte=today, deadline__lte=due_soon_until(today)):
        due += _notify(case, N.DUE)
    for case in overdue_cases.all():  # re-read: escalated cases have new deadlines
        overdue += _notify(case, N.OVERDUE)
    return {"escalated": escalated, "due_notices": due, "overdue_notices": overdue}
