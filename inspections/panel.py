"""The compound page's inspections sections (``communities.panels``): the latest checks, the
open hazards and the key-management history.

Each section is a panel of its own, so that a reader without the view permission of its model
gets none of it (the function returns None), and each reads a fixed number of queries through
the app's selectors and figures, which start from ``visible_to(user)``. Each links to its list
narrowed to the compound, with the query string that list reads itself.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from communities.models import Compound
from inspections.figures import hazard_figures
from inspections.models import Hazard
from inspections.periods import month_start, previous_month
from inspections.selectors import checks as check_sel
from inspections.selectors import hazards as hazard_sel
from inspections.selectors import key_management as km_sel

CHECK_MONTHS = 3  # this month and the two before
HAZARDS_SHOWN = 5  # the nearest deadlines
SPELLS_SHOWN = 5  # the newest spells under key management


def _url(name: str, **query) -> str:
    return f"{reverse(name)}?{urlencode(query)}"


def _months(today) -> list:
    months = [month_start(today)]
    while len(months) < CHECK_MONTHS:
        months.append(previous_month(months[-1]))
    return months


def checks_panel(request, compound: Compound) -> dict | None:
    """The self-checks of the last three months (a row per month, empty where none was
    opened) and the latest supervision inspection: two queries."""
    user = request.user
    if not user.has_perm("inspections.view_inspection"):
        return None
    months = _months(timezone.localdate())
    checks = check_sel.compound_self_checks_since(user=user, compound=compound, first=months[-1])
    by_month = {check.period: check for check in checks}
    # A company's list of past checks is "submitted and history"; everyone else's is "all".
    tabs = check_sel.check_tabs_for(user=user)
    tab = check_sel.TAB_ALL if check_sel.TAB_ALL in tabs else check_sel.TAB_HISTORY
    return {
        "months": [(month, by_month.get(month)) for month in months],
        "supervision": check_sel.compound_latest_supervision(user=user, compound=compound),
        "list_url": _url("inspections:check_list", list=tab, compound=compound.pk),
        "supervision_url": _url(
            "inspections:check_list", list=check_sel.TAB_SUPERVISION, compound=compound.pk
        )
        if check_sel.TAB_SUPERVISION in tabs
        else "",
    }


def hazards_panel(request, compound: Compound) -> dict | None:
    """The hazards not yet verified (``hazard_figures``: how many, how many overdue) and the
    five nearest deadlines among them: two queries."""
    user = request.user
    if not user.has_perm("inspections.view_hazard"):
        return None
    today = timezone.localdate()
    hazards = Hazard.objects.visible_to(user).filter(compound=compound)
    nearest = list(hazard_sel.hazards_unverified_for(user=user, compound=compound)[:HAZARDS_SHOWN])
    for hazard in nearest:
        hazard.overdue = hazard.is_overdue(today)
    return {
        "figures": hazard_figures(hazards, today),
        "nearest": nearest,
        "list_url": _url(
            "inspections:hazard_list", compound=compound.pk, status=hazard_sel.STATUS_UNVERIFIED
        ),
        "overdue_url": _url("inspections:hazard_list", compound=compound.pk, overdue="on"),
        "all_url": _url("inspections:hazard_list", compound=compound.pk),
    }


def key_management_panel(request, compound: Compound) -> dict | None:
    """The compound's newest spells under key management (from, to, why): one query."""
    user = request.user
    if not user.has_perm("inspections.view_keymanagement"):
        return None
    spells = list(
        km_sel.key_management_history(user=user, compound_id=compound.pk)[: SPELLS_SHOWN + 1]
    )
    return {
        "spells": spells[:SPELLS_SHOWN],
        "more": len(spells) > SPELLS_SHOWN,
        "active": bool(spells) and spells[0].ended_on is None,
        "list_url": _url("inspections:key_management_list", compound=compound.pk),
    }
