"""The hazard list's figures, kept per scope and filter (issue 14), the check list's tab counts
and the admin's months.

Above the list stand the figures of the hazards it shows (one query: total, unverified, to
rectify, awaiting verification, verified, overdue). A bureau's list covers a province's
100,000 hazards: that query and the list's count took a third of a second on every view. So
the figures are kept (``communities.kept.kept_for_scope``) under the user's scope, the filters
and the day (overdue is counted against it), until a hazard is saved or deleted; their total is
the list's count. A filter that depends on the user (the hazards for me to act on) is read each
time: it narrows the hazards to few. A search is kept like the other filters: it reads the same
texts for everyone in the scope, and a common word (消防, in half a province's hazards) counted
50,000 rows on every view. The dispute list keeps its figures the same way
(``disputes.list_figures``), except for a search, which may read the parties' texts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import QuerySet

from communities.kept import Generation, kept_for_scope

from .figures import hazard_figures
from .selectors.hazards import HazardFilters

VERSION = 1  # bump when the figures' shape changes
GENERATION = Generation("inspections:hazards:generation")
CHECKS = Generation("inspections:checks:generation")


def list_figures(user, filters: HazardFilters, hazards: QuerySet, today: datetime.date) -> dict:
    """``hazard_figures`` of the listed ``hazards``, kept when they depend on the scope alone."""
    if filters.mine:
        return hazard_figures(hazards, today)
    name = f"inspections:hazards:v{VERSION}"
    return kept_for_scope(
        GENERATION, name, user, (filters, today), lambda: hazard_figures(hazards, today)
    )


def tab_counts(user, parts: tuple, compute: Callable[[], dict]) -> dict:
    """The check list's tab counts (``check_tab_counts``) for the user's scope, tabs, day and
    narrowing filters (``parts``), kept until a check is saved or deleted: over a province's
    110,000 checks they took 60 ms on every view, and the shown tab's count is the list's
    length (no COUNT of its own)."""
    return kept_for_scope(CHECKS, f"inspections:tabs:v{VERSION}", user, parts, compute)


def kept_months(user, name: str, compute: Callable[[], list]) -> list:
    """The months an admin list offers as its filter (the distinct months of the user's rows:
    a province's 110,000 checks took 70 ms to read on every view), kept per scope until a
    check is saved or deleted."""
    return kept_for_scope(CHECKS, f"inspections:months:{name}", user, (), compute)


def connect() -> None:
    """Stale on any change of a hazard, or of a check for the months
    (``InspectionsConfig.ready``)."""
    from .models import Hazard, Inspection

    GENERATION.track(Hazard)
    CHECKS.track(Inspection)
