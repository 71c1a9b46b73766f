""" "What needs my action" on the dashboard: for each thing the user's role acts on, how many
are waiting and a link to the list that shows exactly those.

Each count is the list's own selector with the list's own filter (the self-check tabs, the
hazard and case lists' "mine", "overdue" and "awaiting", the missed patrols, the registration
work list), so the number on the home is the number of rows the link opens. A part appears
only for a role holding the permission to act on it (a viewer sees none). The self-check,
hazard and case lists are counted together in one statement (``communities.counting``), the
missed patrols in three, whatever the number of records. The self-check, hazard and case
counts are kept per user until one of those records changes; the registration work list's
counts read every resident of the scope: the home takes them from the dashboard's snapshot
(``dashboard_cache``); the missed patrols are kept like the joint-defence pages' figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from communities.counting import counts
from communities.kept import kept_for_user
from communities.residents import tallies
from communities.residents.worklist import WorkItem
from communities.scoping import compounds_visible_to, scope_for
from disputes import list_figures as case_figures
from disputes.selectors import CaseFilters, awaiting_cases, cases_for_list
from inspections import list_figures as check_figures
from inspections.selectors import checks as check_selectors
from inspections.selectors.hazards import HazardFilters, hazards_filtered
from patrols.list_figures import kept
from patrols.missed import patrols_due
from patrols.models import PatrolTeam

#: The registration counts while the dashboard's first snapshot is computed (they come with it).
PENDING = object()

#: The missed patrols counted: the missed-patrol list's default period.
MISSED_PATROL_DAYS = 7


@dataclass(frozen=True)
class ActionItem:
    key: str
    label: str
    count: int
    url: str


def _link(name: str, **query) -> str:
    return f"{reverse(name)}?{urlencode(query)}"


@dataclass(frozen=True)
class Waiting:
    """A list of things waiting for the user: counted with the others in one statement."""

    key: str
    label: str
    rows: QuerySet
    url: str


def _checks_waiting(user, today: datetime.date) -> list[Waiting]:
    """A company fills the self-checks (to do, returned, overdue); a street office or the
    bureau reviews them."""
    if scope_for(user).company_only:
        if not user.has_perm("inspections.change_inspection"):
            return []
        labels = {
            check_selectors.TAB_TODO: pgettext("dashboard", "Self-checks to do this month"),
            check_selectors.TAB_RETURNED: pgettext("dashboard", "Self-checks returned to me"),
            check_selectors.TAB_OVERDUE: pgettext("dashboard", "Self-checks overdue"),
        }
    elif user.has_perm("inspections.review_inspection"):
        labels = {
            check_selectors.TAB_REVIEW: pgettext("dashboard", "Self-checks waiting for my review")
        }
    else:
        return []
    return [
        Waiting(
            f"checks_{tab}",
            label,
            check_selectors.checks_in_tab(user=user, tab=tab, today=today),
            _link("inspections:check_list", list=tab),
        )
        for tab, label in labels.items()
    ]


def _hazards_waiting(user, today: datetime.date) -> list[Waiting]:
    """Hazards my company must rectify or I must verify, and the overdue ones."""
    if not (
        user.has_perm("inspections.rectify_hazard") or user.has_perm("inspections.verify_hazard")
    ):
        return []
    return [
        Waiting(
            "hazards_mine",
            pgettext("dashboard", "Hazards for me to act on"),
            hazards_filtered(user=user, filters=HazardFilters(mine=True), today=today),
            _link("inspections:hazard_list", mine=1),
        ),
        Waiting(
            "hazards_overdue",
            pgettext("dashboard", "Hazards overdue"),
            hazards_filtered(user=user, filters=HazardFilters(overdue=True), today=today),
            _link("inspections:hazard_list", overdue=1),
        ),
    ]


def _cases_waiting(user, today: datetime.date) -> list[Waiting]:
    """Cases waiting for my organisation to accept them, and the open cases past deadline."""
    if not user.has_perm("disputes.handle_disputecase"):
        return []
    return [
        Waiting(
            "cases_awaiting",
            pgettext("dashboard", "Disputes waiting for us to accept"),
            awaiting_cases(user=user),
            _link("disputes:case_list", awaiting=1),
        ),
        Waiting(
            "cases_overdue",
            pgettext("dashboard", "Disputes overdue"),
            cases_for_list(user=user, filters=CaseFilters(overdue=True), today=today),
            _link("disputes:case_list", overdue=1),
        ),
    ]


def _missed_patrols(user, today: datetime.date) -> int:
    teams = PatrolTeam.objects.visible_to(user)
    first = today - datetime.timedelta(days=MISSED_PATROL_DAYS - 1)
    return sum(1 for due in patrols_due(teams, first, today) if due.missed)


def _patrol_items(user, today: datetime.date) -> list[ActionItem]:
    """Patrols missed in the last 7 days by the teams the user sees (the missed-patrol list),
    kept per scope like the joint-defence pages' figures (``patrols.list_figures``): reading
    a province's 2,000 teams' windows and logs takes seconds; a log or team saved shows at the
    next view, a window that passes unpatrolled within ``LIST_FIGURES_SECONDS``."""
    if not user.has_perm("patrols.add_patrollog"):
        return []
    missed = kept(user, "dashboard-missed", (today,), lambda: _missed_patrols(user, today))
    return [
        ActionItem(
            "patrols_missed",
            pgettext("dashboard", "Patrols missed in the last 7 days"),
            missed,
            _link("patrols:patrol_missed", days=MISSED_PATROL_DAYS, missed=1),
        )
    ]


def registration_counts(user, today: datetime.date) -> dict[str, int]:
    """The registration work list's counts over the user's scope: the sums of its compounds'
    tallies (``communities.residents.tallies``), kept with the dashboard's snapshot."""
    return tallies.item_counts(tallies.current(compounds_visible_to(user), today))


def _registration_items(user, today: datetime.date, kept: dict | object | None) -> list[ActionItem]:
    """The registration work list's items (not registered, expiring, expired, no tenant): the
    list the community committees and street offices follow (a company types residents in,
    it does not chase registrations). The counts are the snapshot's (``kept``) when there is
    one, as of its time."""
    if scope_for(user).company_only or not user.has_perm("communities.change_resident"):
        return []
    if kept is PENDING:  # computed with the snapshot, in the background: shown once it is there
        return []
    counts = kept if kept is not None else registration_counts(user, today)
    return [
        ActionItem(
            f"residents_{item.value}",
            _("Registration work list: %(item)s") % {"item": item.label},
            counts[str(item)],
            _link("communities:resident_worklist", item=item.value),
        )
        for item in WorkItem
    ]


COUNTED = (_checks_waiting, _hazards_waiting, _cases_waiting)
#: what moves when a self-check, hazard or case is saved or deleted
COUNTED_GENERATIONS = (check_figures.CHECKS, check_figures.GENERATION, case_figures.GENERATION)


def _counted_items(user, today: datetime.date) -> list[ActionItem]:
    """The self-checks, hazards and cases waiting for the user, counted in one statement
    (``communities.counting.counts``) and kept per user and day until one of them is saved or
    deleted (``communities.kept.kept_for_user``): their counts over a province were half the
    home's time on every view."""

    def compute() -> list[ActionItem]:
        waiting = [w for part in COUNTED for w in part(user, today)]
        found = counts(*(w.rows for w in waiting)) if waiting else []
        return [ActionItem(w.key, w.label, n, w.url) for w, n in zip(waiting, found, strict=True)]

    return kept_for_user(COUNTED_GENERATIONS, "reports:actions", user, (today,), compute)


def action_items(
    user, today: datetime.date, registration: dict | object | None = None
) -> list[ActionItem]:
    """Everything waiting for the user's action that their role may act on, in a fixed order;
    ``registration`` is the registration work list's counts when already read (``PENDING``:
    being read with the dashboard's first snapshot, left out until then)."""
    return [
        *_counted_items(user, today),
        *_patrol_items(user, today),
        *_registration_items(user, today, registration),
    ]
