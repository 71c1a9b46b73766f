"""Key management (重点管理): the rule, and putting on / taking off by hand."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from communities.models import Compound
from inspections import errors as e
from inspections.errors import WorkflowError
from inspections.models import (
    Hazard,
    Inspection,
    InspectionKind,
    InspectionStatus,
    KeyManagement,
    Result,
)

from .common import previous_month, require


def _last_results(compound_ids, period: datetime.date, months: int) -> dict[int, list[str]]:
    """Approved self-check results per compound for the ``months`` months ending at ``period``
    (newest first; a month without an approved check is ``""``)."""
    periods = [period]
    for _ in range(months - 1):
        periods.append(previous_month(periods[-1]))
    rows = Inspection.objects.filter(
        compound_id__in=compound_ids,
        kind=InspectionKind.SELF_CHECK,
        status=InspectionStatus.APPROVED,
        period__in=periods,
    ).values_list("compound_id", "period", "result")
    found = {(cid, p): r for cid, p, r in rows}
    return {cid: [found.get((cid, p), "") for p in periods] for cid in compound_ids}


def _hazard_overdue_ids(today: datetime.date, days: int) -> set[int]:
    limit = today - datetime.timedelta(days=days)
    return set(
        Hazard.objects.overdue(today)
        .filter(deadline__lt=limit)
        .values_list("compound_id", flat=True)
    )


@transaction.atomic
def key_management_apply_rule(*, period: datetime.date, today: datetime.date | None = None) -> dict:
    """Apply the rule after the month's reviews; returns ``{"entered": [...], "left": [...]}``.

    Enter: 不达标 in ``KEY_MANAGEMENT_FAIL_MONTHS`` consecutive months, or a hazard unrectified
    more than ``KEY_MANAGEMENT_HAZARD_OVERDUE_DAYS`` past its deadline. Leave: 达标 in
    ``KEY_MANAGEMENT_PASS_MONTHS`` consecutive months and no overdue hazard. Idempotent.
    """
    today = today or timezone.localdate()
    period = period.replace(day=1)
    fail_n, pass_n = settings.KEY_MANAGEMENT_FAIL_MONTHS, settings.KEY_MANAGEMENT_PASS_MONTHS
    compound_ids = list(Compound.objects.values_list("pk", flat=True))
    history = _last_results(compound_ids, period, max(fail_n, pass_n))
    stale = _hazard_overdue_ids(today, settings.KEY_MANAGEMENT_HAZARD_OVERDUE_DAYS)
    any_overdue = set(Hazard.objects.overdue(today).values_list("compound_id", flat=True))
    active = {k.compound_id: k for k in KeyManagement.objects.active()}
    entered, left = [], []
    for cid in compound_ids:
        results = history[cid]
        if cid not in active:
            reasons = []
            if all(r == Result.FAIL for r in results[:fail_n]):
                reasons.append(gettext("不达标 %(n)s months running") % {"n": fail_n})
            if cid in stale:
                reasons.append(gettext("a hazard unrectified long past its deadline"))
            if reasons:
                KeyManagement.objects.create(
                    compound_id=cid, started_on=today, start_reason="；".join(reasons)
                )
                entered.append(cid)
        elif all(r == Result.PASS for r in results[:pass_n]) and cid not in any_overdue:
            spell = active[cid]
            spell.ended_on = today
            spell.end_reason = gettext("达标 %(n)s months running, no overdue hazard") % {
                "n": pass_n
            }
            spell.save()
            left.append(cid)
    return {"entered": entered, "left": left}


@transaction.atomic
def key_management_enter(*, compound: Compound, actor, reason: str) -> KeyManagement:
    require(actor, "inspections.manage_keymanagement", compound)
    if not reason.strip():
        raise WorkflowError(e.MSG_REASON_REQUIRED)
    try:
        with transaction.atomic():  # the unique constraint decides between two at once
            return KeyManagement.objects.create(
                compound=compound,
                started_on=timezone.localdate(),
                start_reason=reason.strip(),
                started_by=actor,
            )
    except IntegrityError:
        raise WorkflowError(e.MSG_ALREADY_KEY) from None


@transaction.atomic
def key_management_leave(*, compound: Compound, actor, reason: str) -> KeyManagement:
    require(actor, "inspections.manage_keymanagement", compound)
    if not reason.strip():
        raise WorkflowError(e.MSG_REASON_REQUIRED)
    spell = KeyManagement.objects.active().select_for_update().filter(compound=compound).first()
    if spell is None:
        raise WorkflowError(e.MSG_NOT_KEY)
    spell.ended_on, spell.end_reason, spell.ended_by = timezone.localdate(), reason.strip(), actor
    spell.save()
    return spell
