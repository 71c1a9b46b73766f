"""The activity list's figures, kept per scope and filter (issue 14).

Above the list stand how many activities it shows, how many of them are legal education and how
many people took part; the total is also the list's count for its pages. A bureau's list covers
a province's activities (about 170,000 a year), and counting them through the scope's places
took half a second on every view. So they are kept in the cache under the user's scope, the
filters, the language and a generation number that every activity saved or deleted moves
(``communities.kept``): a new activity counts at the next view. ``LIST_FIGURES_SECONDS`` bounds
what a bulk write (no signal) can leave unseen. The pattern of the dispute list's
(``disputes.list_figures``).
"""

from __future__ import annotations

from django.db.models import QuerySet

from communities.kept import Generation, kept_for_scope

from .selectors import ActivityFigures, ActivityFilters, activity_figures

VERSION = 1  # bump when the figures' shape changes
GENERATION = Generation("activities:generation")


def list_figures(user, filters: ActivityFilters, activities: QuerySet) -> ActivityFigures:
    """``activity_figures`` of the listed ``activities`` (the user's, narrowed by ``filters``)."""
    name = f"activities:list:v{VERSION}"
    return kept_for_scope(GENERATION, name, user, (filters,), lambda: activity_figures(activities))


def connect() -> None:
    """Stale on any change of an activity (``CommunitiesConfig.ready``)."""
    from communities.models import Activity

    GENERATION.track(Activity)
