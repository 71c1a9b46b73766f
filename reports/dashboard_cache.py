"""The dashboard's figures, kept per scope (issue 14).

At a province's size the figures of a bureau's dashboard (a 12-month trend, the month's key
figures, the places' bars) read hundreds of thousands of rows: a minute of queries. So they are
computed once per scope and kept in the cache (Redis in production, shared by every web
process) as a ``Snapshot`` with the moment it was computed; the home shows that moment.

- A scope's first view (a new installation, a cache emptied by a restart) asks for the
  snapshot in the background and shows that the figures are being computed; the rest of the
  home (the list, what waits for the user) is there at once. Where tasks run in the web
  process (``make run``, the tests) the snapshot is ready in the same view.
- A snapshot is **stale** once something it counts has changed since (a self-check, case,
  hazard, resident, term or compound saved or deleted through the ORM bumps one generation
  number, on commit), once it is older than ``DASHBOARD_FRESH_SECONDS`` (this also catches bulk
  writes, which send no signal: a register import), or once it was computed on an earlier day.
  A stale snapshot is still shown, as of its own day and time, and a task
  (``reports.refresh_dashboard``) computes the new one in the background, at most once per
  scope every ``DASHBOARD_REFRESH_SECONDS``: a busy province never makes the page wait.
- The key holds the scope's ids and the language of the labels. Users with the same scope
  share a snapshot. Of what waits for the user's action (``dashboard_actions``) only the
  registration work list's counts are kept here: they depend on the scope alone and read
  every resident and household of it (2 s for a province's 2.4 million residents); the other
  counts depend on the user's own organisation and are read on every view.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from communities.kept import Generation
from communities.months import month_of
from communities.scoping import Scope, compounds_visible_to

from .dashboard_actions import registration_counts
from .dashboard_figures import bar_level, key_figures, month_trend, place_bars

logger = logging.getLogger(__name__)

GENERATION_KEY = "reports:dashboard:generation"
VERSION = 3  # bump when the snapshot's shape changes: older snapshots are then never read


@dataclass(frozen=True)
class Snapshot:
    trend: list
    figures: list
    level: str
    bars: list
    places: int
    today: datetime.date  # the day the figures are of (the month to date ends on it)
    computed_at: datetime.datetime
    generation: int
    registration: dict | None = None  # the registration work list's counts (None: a company)


GENERATION = Generation(GENERATION_KEY)


def generation() -> int:
    return GENERATION.current()


def scope_key(scope: Scope) -> str:
    return f"reports:dashboard:v{VERSION}:{scope.digest()}:{get_language()}"


def compute(user, scope: Scope, today: datetime.date) -> Snapshot:
    """The figures as ``dashboard_context`` shows them, read now (a fixed number of queries,
    ``reports.dashboard_figures``)."""
    current = generation()  # read first: a change while computing leaves the snapshot stale
    compounds = compounds_visible_to(user)
    month = month_of(today)
    trend = month_trend(compounds, month)
    level = bar_level(scope)
    bars, places = place_bars(compounds, month, level)
    registration = None if scope.company_only else registration_counts(user, today)
    return Snapshot(
        trend=trend,
        figures=key_figures(compounds, trend, today),
        level=level,
        bars=bars,
        places=places,
        today=today,
        computed_at=timezone.now(),
        generation=current,
        registration=registration,
    )


def is_stale(snapshot: Snapshot, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    age = (now - snapshot.computed_at).total_seconds()
    return (
        snapshot.generation != generation()
        or age > settings.DASHBOARD_FRESH_SECONDS
        or snapshot.today != timezone.localdate(now)
    )


def store(key: str, snapshot: Snapshot) -> None:
    cache.set(key, snapshot, settings.DASHBOARD_KEEP_SECONDS)


def snapshot_for(user, scope: Scope, today: datetime.date) -> Snapshot | None:
    """The scope's snapshot kept (a stale one asks for a new one in the background), or None
    while the first one is being computed: a scope with none asks for it in the background too
    (a province's first view would otherwise wait a minute, and every user of the scope who
    arrived meanwhile would compute it again). Where tasks run in the process (``make run``,
    the tests) the task has computed it by the time it is read again."""
    key = scope_key(scope)
    kept = cache.get(key)
    if kept is None:
        if _refresh_asked(f"{key}:first"):
            _send_refresh(user.pk, get_language())  # now: a first view has written nothing
        return cache.get(key)
    if is_stale(kept) and _refresh_asked(f"{key}:refreshing"):
        language = get_language()
        transaction.on_commit(lambda: _send_refresh(user.pk, language))
    return kept


def _refresh_asked(key: str) -> bool:
    """True for the first to ask (for the first snapshot, or a new one) within
    ``DASHBOARD_REFRESH_SECONDS``: the one who sends the task."""
    return cache.add(key, 1, settings.DASHBOARD_REFRESH_SECONDS)


def _send_refresh(user_id: int, language: str) -> None:
    from reports.tasks import refresh_dashboard

    try:
        refresh_dashboard.delay(user_id, language)
    except Exception:  # the broker is down: the snapshot stays as it is until the next view
        logger.warning("dashboard refresh for user %s not sent", user_id, exc_info=True)


def refresh(user, language: str) -> None:
    """Compute the user's scope's snapshot again and keep it (the task)."""
    from django.utils.translation import override

    from communities.scoping import scope_for

    with override(language):
        scope = scope_for(user)
        if scope.is_empty:
            return
        store(scope_key(scope), compute(user, scope, timezone.localdate()))


def connect() -> None:
    """Stale on any change of what the figures count (``ReportsConfig.ready``)."""
    from communities.models import Compound, Household, ManagementTerm, Resident
    from disputes.models import CaseEvent, DisputeCase
    from inspections.models import Hazard, HazardEvent, Inspection, InspectionEvent

    GENERATION.track(
        Compound,
        ManagementTerm,
        Household,
        Resident,
        Inspection,
        InspectionEvent,
        Hazard,
        HazardEvent,
        DisputeCase,
        CaseEvent,
    )
