"""The figures of the joint-defence pages, kept per scope and filter (issue 14).

Beside the patrol log list stand the figures of the logs it shows (the totals, per place and per
month: ``patrol_figures``, the rows of every listed log read once); the overview, the
watch-group list and the 物防/技防 coverage list show coverage figures of every compound in
scope. A bureau's pages cover a province: about 150,000 logs in three months with their
compounds and members, a million households, 20,000 compounds with their entrances and
facilities; the log list's figures alone took over twenty seconds on every view. So the figures
are kept in the cache under the page, the user's scope (users with the same scope see the same
records), the filters, the language of the labels, and a generation number that every log,
finding, team (or its plan's window), watch group (or membership), entrance or facility saved
or deleted moves
(``communities.kept``): a change shows at the next view, which reads them again.
``LIST_FIGURES_SECONDS`` bounds what a bulk write (no signal), a household moving in or out or
a renamed place can leave unseen. The same pattern as the dispute list's
(``disputes.list_figures``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from communities.kept import Generation, kept_for_scope

from .team_selectors import PatrolFilters

VERSION = 3  # bump when the figures' shape changes (3: the log list's length, ``listed``)
GENERATION = Generation("patrols:generation")


def kept(user, page: str, parts: tuple, compute: Callable[[], Any]) -> Any:
    """What ``compute`` gives for the user's scope on ``page`` narrowed by ``parts`` (the
    filters, as values with a stable ``repr``), kept until a record counted changes (or
    ``LIST_FIGURES_SECONDS``): ``communities.kept.kept_for_scope``."""
    return kept_for_scope(GENERATION, f"patrols:{page}:v{VERSION}", user, parts, compute)


def list_figures(user, filters: PatrolFilters, level: str, compute: Callable[[], dict]) -> dict:
    """The log list's figures for the listed logs and breakdown level."""
    return kept(user, "logs", (filters, level), compute)


def connect() -> None:
    """Stale on any change of what the pages count (``PatrolsConfig.ready``); a log's compounds
    and members are set in the same transaction as the log, whose commit moves the generation
    again."""
    from . import models as m

    GENERATION.track(
        m.PatrolLog,
        m.PatrolFinding,
        m.PatrolTeam,
        m.PatrolPlanSlot,  # the home's missed patrols (``reports.dashboard_actions``)
        m.WatchGroup,
        m.WatchGroupMembership,
        m.Entrance,
        m.Facility,
    )
