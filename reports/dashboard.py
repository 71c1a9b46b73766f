"""The dashboard on the workbench home (issue 13): the month's key figures with their 环比, a
12-month trend of the 达标率 and 结案率, a bar chart of the user's streets, communities or
compounds, and what waits for the user's action.

``communities`` knows nothing of this app (architecture §1): ``register()`` adds the panel to
the home's list (``communities.panels.register_home_panel``) from ``ReportsConfig.ready``. The
figures come from each app's figures module (``reports.dashboard_figures``), the counts of what
waits from each app's list selectors (``reports.dashboard_actions``); both read only what
``compounds_visible_to(user)`` allows. A user with no scope gets no panel.
"""

from __future__ import annotations

from django.utils import timezone

from communities.months import month_of
from communities.panels import HomePanel, register_home_panel
from communities.scoping import compounds_visible_to, scope_for

from .dashboard_actions import action_items
from .dashboard_figures import (
    BAR_LIMIT,
    bar_level,
    chart_data,
    key_figures,
    level_label,
    month_trend,
    place_bars,
)

TEMPLATE = "reports/dashboard.html"


def dashboard_context(request) -> dict | None:
    """What the panel shows for this user, or None for a user with nothing in scope."""
    user = request.user
    scope = scope_for(user)
    if scope.is_empty:
        return None
    today = timezone.localdate()
    month = month_of(today)
    compounds = compounds_visible_to(user)
    trend = month_trend(compounds, month)
    level = bar_level(scope)
    bars, places = place_bars(compounds, month, level)
    return {
        "month": month,
        "today": today,
        "figures": key_figures(compounds, trend, today),
        "trend": trend,
        "level": level,
        "level_label": level_label(level),
        "bars": bars,
        "places": places,
        "capped": places > len(bars),
        "bar_limit": BAR_LIMIT,
        "actions": action_items(user, today),
        "chart_data": chart_data(trend, bars),
    }


def register() -> None:
    register_home_panel(HomePanel("dashboard", TEMPLATE, dashboard_context, order=10))
