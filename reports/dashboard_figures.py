"""The figures the workbench home's dashboard shows, read from the apps that define them.

Nothing is computed here that an app's figures module already defines (architecture §1, STYLE
rule 4): this module only chooses which figures, for which months and places, and puts them
side by side. Every function takes a compounds queryset the caller has scoped
(``compounds_visible_to(user)``) and keeps to a fixed number of queries, whatever the number of
compounds:

- ``month_trend``: the 12 months up to this one, two queries (each app's figures of every
  month in one statement, ``communities.counting.aggregates_each``): the self-checks (达标率)
  and the disputes (结案率). The key figures take this month and the month before from it
  instead of asking again.
- ``key_figures``: two more queries (hazards of this month and the month before; 列管率 today
  and on the previous month's last day).
- ``place_bars``: three queries (self-checks and disputes by place, the places' names).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from communities.models import Community, Compound, District, Street
from communities.months import Compared, month_bounds, month_of, percent, previous_month
from communities.residents.figures import registration_rate_on_days
from communities.scoping import Scope
from disputes.figures import (
    DisputeMonthFigures,
    dispute_month_figures_by,
    dispute_month_figures_each_month,
)
from inspections.figures import (
    SelfCheckFigures,
    hazard_month_figures_each_month,
    self_check_figures_by,
    self_check_figures_each_month,
)

TREND_MONTHS = 12
#: At most this many places in the bar chart: the lowest 达标率 first (a bureau with many
#: streets, a company with many compounds); the caption says how many there are in all.
BAR_LIMIT = 15

RATE = "rate"  # a percentage: its change is in percentage points
COUNT = "count"


# Months ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendMonth:
    month: datetime.date
    self_checks: SelfCheckFigures
    disputes: DisputeMonthFigures


def trend_months(month: datetime.date, count: int = TREND_MONTHS) -> list[datetime.date]:
    """The ``count`` months up to and including ``month``, oldest first."""
    months = [month_of(month)]
    while len(months) < count:
        months.insert(0, previous_month(months[0]))
    return months


def month_trend(compounds: QuerySet, month: datetime.date) -> list[TrendMonth]:
    """Each of the last 12 months' self-checks and disputes, oldest first: two queries
    (``self_check_figures`` and ``dispute_month_figures`` of each month)."""
    months = trend_months(month)
    checks = self_check_figures_each_month(compounds, months)
    cases = dispute_month_figures_each_month(compounds, months)
    return [TrendMonth(*figures) for figures in zip(months, checks, cases, strict=True)]


# Key figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    """One figure of the month to date beside the month before (环比)."""

    key: str
    label: str
    compared: Compared
    kind: str = RATE

    @property
    def value(self) -> Any:
        return self.compared.value

    @property
    def change(self) -> Any:
        return self.compared.change

    @property
    def is_rate(self) -> bool:
        return self.kind == RATE


def _side_by_side(pair: tuple[Any, Any], field: str) -> Compared:
    """One field of this month's figures beside the same field of the month before's."""
    read = attrgetter(field)
    return Compared(read(pair[0]), read(pair[1]))


def key_figures(
    compounds: QuerySet, trend: list[TrendMonth], today: datetime.date
) -> list[KeyFigure]:
    """The month's key figures with their 环比: the self-checks and disputes of the trend's last
    two months, and two queries more: the hazards of both months, and the 列管率 today and on
    the previous month's last day."""
    now, before = trend[-1], trend[-2]
    checks = (now.self_checks, before.self_checks)
    disputes = (now.disputes, before.disputes)
    hazards = hazard_month_figures_each_month(compounds, [now.month, before.month])
    rates = registration_rate_on_days(compounds, [today, month_bounds(before.month)[1]])
    registration = Compared(*(percent(r.registered, r.present) for r in rates))
    return [
        KeyFigure(
            "submission_rate",
            pgettext("dashboard", "Self-check submission rate"),
            _side_by_side(checks, "submission_rate"),
        ),
        KeyFigure("pass_rate", _("Pass rate (达标率)"), _side_by_side(checks, "pass_rate")),
        KeyFigure(
            "hazards_found",
            pgettext("dashboard", "Hazards found"),
            _side_by_side(hazards, "found"),
            COUNT,
        ),
        KeyFigure(
            "rectification_rate",
            _("Rectification rate (整改率)"),
            _side_by_side(hazards, "rectification_rate"),
        ),
        KeyFigure(
            "cases_registered",
            pgettext("dashboard", "Disputes registered"),
            _side_by_side(disputes, "registered"),
            COUNT,
        ),
        KeyFigure(
            "closure_rate", _("Closure rate (结案率)"), _side_by_side(disputes, "closure_rate")
        ),
        KeyFigure("registration_rate", _("Registration rate (列管率)"), registration),
    ]


# Places ---------------------------------------------------------------------------------------


def bar_level(scope: Scope) -> str:
    """What the bar chart compares: a bureau (or an operator) its streets, a street office its
    communities, a community committee or a property company its compounds."""
    if scope.everything or scope.district_ids:
        return "street"
    if scope.street_ids:
        return "community"
    return "compound"


def level_label(level: str) -> str:
    return {
        "district": _("District"),
        "street": _("Street"),
        "community": _("Community"),
        "compound": _("Compound"),
    }[level]


_PLACE_MODELS = {
    "district": District,
    "street": Street,
    "community": Community,
    "compound": Compound,
}


@dataclass(frozen=True)
class PlaceBar:
    id: int
    name: str
    self_checks: SelfCheckFigures
    disputes: DisputeMonthFigures


def _lowest_first(bar: PlaceBar) -> tuple:
    rate = bar.self_checks.pass_rate
    return (rate is None, rate if rate is not None else 0, bar.name, bar.id)


def place_bars(
    compounds: QuerySet, month: datetime.date, level: str, limit: int = BAR_LIMIT
) -> tuple[list[PlaceBar], int]:
    """Each place's self-checks and disputes of the month (three queries), the lowest 达标率
    first and places with no approved check last, cut to ``limit``; and how many places there
    are in all. Every place with a compound is in (``self_check_figures_by``)."""
    checks = self_check_figures_by(compounds, month, level)
    disputes = dispute_month_figures_by(compounds, month, level)
    ids = set(checks) | set(disputes)
    names = dict(_PLACE_MODELS[level].objects.filter(pk__in=ids).values_list("pk", "name"))
    bars = sorted(
        (
            PlaceBar(
                pk,
                names.get(pk, ""),
                checks.get(pk, SelfCheckFigures()),
                disputes.get(pk, DisputeMonthFigures()),
            )
            for pk in ids
        ),
        key=_lowest_first,
    )
    return bars[:limit], len(bars)


# For the charts -------------------------------------------------------------------------------


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def chart_data(trend: list[TrendMonth], bars: list[PlaceBar]) -> dict:
    """What static/js/dashboard.js draws (a ``json_script`` block): the same numbers as the
    tables beside the charts, rates as numbers (%), a missing rate as null (a gap)."""
    return {
        "rates": {
            "pass_rate": _("Pass rate (达标率)"),
            "closure_rate": _("Closure rate (结案率)"),
        },
        "trend": {
            "labels": [t.month.strftime("%Y-%m") for t in trend],
            "pass_rate": [_number(t.self_checks.pass_rate) for t in trend],
            "closure_rate": [_number(t.disputes.closure_rate) for t in trend],
        },
        "bars": {
            "labels": [bar.name for bar in bars],
            "pass_rate": [_number(bar.self_checks.pass_rate) for bar in bars],
            "closure_rate": [_number(bar.disputes.closure_rate) for bar in bars],
        },
    }
