"""The hazard figures, each defined once: the hazard list shows them, reports may reuse them.

Every function takes a queryset of hazards that the caller has already scoped
(``Hazard.objects.visible_to(user)``, or the list's filtered hazards). Counts are of hazards.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from inspections.models import HazardStatus
from inspections.models.hazards import OPEN_STATUSES, TO_RECTIFY, overdue_q


def hazard_figures(hazards: QuerySet, today: datetime.date | None = None) -> dict:
    """One query: total; unverified (待整改, 整改中 or 待验收: not yet verified); to rectify
    (the company's to do); awaiting verification (the verifier's to do); verified; overdue
    (past the deadline and not yet rectified, the definition of ``overdue_q``)."""
    today = today or timezone.localdate()
    return hazards.order_by().aggregate(
        total=Count("pk"),
        unverified=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        to_rectify=Count("pk", filter=Q(status__in=TO_RECTIFY)),
        awaiting_verification=Count("pk", filter=Q(status=HazardStatus.RECTIFIED)),
        verified=Count("pk", filter=Q(status=HazardStatus.VERIFIED)),
        overdue=Count("pk", filter=overdue_q(today)),
    )
