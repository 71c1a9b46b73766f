"""The compound page's disputes section (``communities.panels``): the compound's cases by stage
(open and each open status, overdue, resolved this year), each figure a link to the case list
narrowed to the compound and to that stage.

One query (``figures.stage_counts`` over the cases the reader sees); a reader without
``disputes.view_disputecase`` gets no section. It shows counts only: no party, no description.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from communities.models import Compound
from disputes.figures import stage_counts
from disputes.models import OPEN_STATUSES, DisputeCase, Status
from disputes.selectors import STATUS_OPEN


def _url(name: str, compound: Compound, **query) -> str:
    return f"{reverse(name)}?{urlencode({'compound': compound.pk, **query})}"


def _list_url(compound: Compound, **query) -> str:
    return _url("disputes:case_list", compound, **query)


def compound_panel(request, compound: Compound) -> dict | None:
    user = request.user
    if not user.has_perm("disputes.view_disputecase"):
        return None
    today = timezone.localdate()
    counts = stage_counts(DisputeCase.objects.visible_to(user).filter(compound=compound), today)
    return {
        "counts": counts,
        "year": today.year,
        "stages": [
            (status.value, status.label, counts[status.value], _list_url(compound, status=status))
            for status in OPEN_STATUSES
        ],
        "open_url": _list_url(compound, status=STATUS_OPEN),
        "overdue_url": _list_url(compound, overdue="on"),
        "resolved_url": _list_url(compound, status=Status.RESOLVED),
        "list_url": _list_url(compound),
        "register_url": _url("disputes:case_register", compound)
        if user.has_perm("disputes.add_disputecase")
        else "",
    }
