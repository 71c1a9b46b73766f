"""The compound page's patrols panel (``communities.panels``): the active teams covering the
compound, its latest patrols, and the patrol figures of the last 30 days, each part linking to
its list narrowed to the compound.

Reads start from ``visible_to(user)``: a team the reader sees, a log of this compound the reader
sees. No leader's or member's name or phone is shown, only teams, times and counts. Two queries
and the figures' (``patrol_totals``: one, and three more when a patrol ended in the period),
whatever the number of teams and logs. The teams part needs ``view_patrolteam``, the patrols
part ``view_patrollog``; a reader with neither gets no panel.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from communities.models import Compound
from patrols.models import PatrolLog, PatrolTeam
from patrols.patrol_figures import logs_in, patrol_totals

LOGS_SHOWN = 5
FIGURE_DAYS = 30  # the figures cover today and the 29 days before


def _list_url(name: str, compound: Compound) -> str:
    return f"{reverse(name)}?{urlencode({'compound': compound.pk})}"


def _teams(user, compound: Compound) -> list[PatrolTeam]:
    return list(
        PatrolTeam.objects.visible_to(user)
        .active()
        .filter(compounds=compound)
        .select_related("organisation")
        .annotate(
            member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True)
        )
        .order_by("name", "pk")
    )


def _logs(user, compound: Compound, today: datetime.date) -> dict:
    logs = PatrolLog.objects.visible_to(user).filter(compounds=compound)
    first = today - datetime.timedelta(days=FIGURE_DAYS - 1)
    only_here = Compound.objects.filter(pk=compound.pk)
    return {
        "latest": list(logs.select_related("team").order_by("-started_at", "-pk")[:LOGS_SHOWN]),
        "figures": patrol_totals(logs_in(logs, first, today), only_here),
        "days": FIGURE_DAYS,
        "log_list_url": _list_url("patrols:patrol_list", compound),
    }


def panel_context(request, compound: Compound) -> dict | None:
    user = request.user
    sees_teams = user.has_perm("patrols.view_patrolteam")
    sees_logs = user.has_perm("patrols.view_patrollog")
    if not (sees_teams or sees_logs):
        return None
    data: dict = {"teams": None, "logs": None}
    if sees_teams:
        data["teams"] = _teams(user, compound)
        data["team_list_url"] = _list_url("patrols:team_list", compound)
    if sees_logs:
        data["logs"] = _logs(user, compound, timezone.localdate())
    return data
