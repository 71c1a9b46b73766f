"""The dashboard on the workbench home (issue 13): the month's key figures with their 环比, a
12-month trend of the 达标率 and 结案率, a bar chart of the user's streets, communities or
compounds, and what waits for the user's action.

``communities`` knows nothing of this app (architecture §1): ``register()`` adds the panel to
the home's list (``communities.panels.register_home_panel``) from ``ReportsConfig.ready``. The
figures come from each app's figures module (``reports.dashboard_figures``), kept per scope
(``reports.dashboard_cache``: a province's figures take a minute to read), the counts of what
waits from each app's list selectors (``reports.dashboard_actions``, read now, but for the
registration work list's, kept with the figures); both read only what
``compounds_visible_to(user)`` allows. A user with no scope gets no panel.
"""

from __future__ import annotations

from django.utils import timezone

from communities.months import month_of
from communities.panels import HomePanel, register_home_panel
from communities.scoping import scope_for

from .dashboard_actions import PENDING, action_items
from .dashboard_cache import snapshot_for
from .dashboard_figures import BAR_LIMIT, chart_data, level_label

TEMPLATE = "reports/dashboard.html"


def dashboard_context(request) -> dict | None:
    """What the panel shows for this user, or None for a user with nothing in scope."""
    user = request.user
    scope = scope_for(user)
    if scope.is_empty:
        return None
    today = timezone.localdate()
    snapshot = snapshot_for(user, scope, today)  # the figures, kept per scope
    if snapshot is None:  # the scope's first figures, being computed in the background
        return {
            "pending": True,
            "month": month_of(today),
            "today": today,
            "actions": action_items(user, today, PENDING),
        }
    return {  # the month to date as of the snapshot's day (yesterday's, while it refreshes)
        "pending": False,
        "month": month_of(snapshot.today),
        "today": snapshot.today,
        "figures": snapshot.figures,
        "trend": snapshot.trend,
        "level": snapshot.level,
        "level_label": level_label(snapshot.level),
        "bars": snapshot.bars,
        "places": snapshot.places,
        "capped": snapshot.places > len(snapshot.bars),
        "bar_limit": BAR_LIMIT,
        "computed_at": snapshot.computed_at,
        "actions": action_items(user, today, snapshot.registration),
        "chart_data": chart_data(snapshot.trend, snapshot.bars),
    }


def register() -> None:
    register_home_panel(HomePanel("dashboard", TEMPLATE, dashboard_context, order=10))
