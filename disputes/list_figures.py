"""The dispute list's figures, kept per scope and filter (issue 14).

Above the list stand the figures of the cases it shows (by status, source, level and category,
the rates and the average days to resolve: one query). A bureau's list covers a province's
300,000 cases, and the five queries they were took over a second on every view. So they are
kept in the cache under the user's scope (users with the same scope see the same cases), the
filters, the day (overdue is counted against it), the language of the labels, and a generation
number that every case saved or deleted moves on commit: a change shows at the next view, which
reads them again. ``LIST_FIGURES_SECONDS`` bounds what a bulk write (no signal) can leave unseen.

A filter that depends on the user (my cases, those waiting for my organisation, a search that
may read the parties' texts) is read each time: it narrows the cases to few.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from communities.kept import Generation, kept_for_scope

from .figures import dispute_figures
from .selectors import CaseFilters

VERSION = 1  # bump when the figures' shape changes
GENERATION = Generation("disputes:cases:generation")


def list_figures(user, filters: CaseFilters, cases: QuerySet, today: datetime.date) -> dict:
    """``dispute_figures`` of the listed ``cases``, kept when they depend on the scope alone."""
    if filters.mine or filters.awaiting or filters.query:
        return dispute_figures(cases, today)
    name = f"disputes:list:v{VERSION}"
    return kept_for_scope(
        GENERATION, name, user, (filters, today), lambda: dispute_figures(cases, today)
    )


def connect() -> None:
    """Stale on any change of a case (``DisputesConfig.ready``)."""
    from .models import DisputeCase

    GENERATION.track(DisputeCase)
