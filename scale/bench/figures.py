"""The monthly figures of each app for the whole province, beside hand-written SQL that
computes the same numbers in one statement (and must agree with them).

The SQL is portable between PostgreSQL and SQLite (aggregate FILTER, window functions), with
one vendor switch for a duration in seconds. The scope is the same subquery for both: the
compounds `bureau` sees."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.db import connection
from django.utils import timezone

from communities.models import Household, ManagementTerm, Resident
from communities.models.residents import REGISTERING_KINDS
from communities.months import month_moments, month_of, previous_month
from communities.residents.figures import registration_rate
from disputes.figures import dispute_month_figures, month_end_moment
from disputes.models import CaseEvent, DisputeCase
from disputes.models.cases import OPEN_STATUSES, CaseAction, Status
from inspections.figures import due_moment, hazard_month_figures, self_check_figures
from inspections.models import Hazard, HazardEvent, Inspection, InspectionEvent
from inspections.models.hazards import TO_RECTIFY, HazardAction, HazardStatus
from inspections.models.inspections import (
    InspectionAction,
    InspectionKind,
    InspectionStatus,
    Result,
)

from . import targets
from .results import Figure
from .timing import Budget, count_queries, sample


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _moment(value):
    return connection.ops.adapt_datetimefield_value(value)


def _day(value):
    return connection.ops.adapt_datefield_value(value)


def _in(values) -> tuple[str, list]:
    values = [str(v) for v in values]
    return ", ".join(["%s"] * len(values)), values


def _scope(compounds) -> tuple[str, list]:
    sql, params = compounds.values("pk").query.sql_with_params()
    return sql, list(params)


def self_check_sql(compounds, month) -> tuple[str, list]:
    scope, scope_params = _scope(compounds)
    first = month_of(month)
    done, done_params = _in((InspectionStatus.SUBMITTED, InspectionStatus.APPROVED))
    sql = f"""
      WITH checks AS (
        SELECT i.compound_id, i.status, i.result,
               COALESCE((SELECT MIN(e.at) FROM {_t(InspectionEvent)} e
                         WHERE e.inspection_id = i.id AND e.action = %s), i.submitted_at) AS first
          FROM {_t(Inspection)} i
         WHERE i.kind = %s AND i.period = %s AND i.compound_id IN ({scope})),
      runs AS (
        SELECT t.compound_id FROM {_t(ManagementTerm)} t
         WHERE t.start <= %s AND (t."end" IS NULL OR t."end" >= %s) AND t.compound_id IN ({scope}))
      SELECT (SELECT COUNT(*) FROM (SELECT compound_id FROM runs
                                    UNION SELECT compound_id FROM checks) u),
             COUNT(*) FILTER (WHERE status IN ({done})),
             COUNT(*) FILTER (WHERE status IN ({done}) AND first < %s),
             COUNT(*) FILTER (WHERE status = %s),
             COUNT(*) FILTER (WHERE status = %s AND result = %s),
             COUNT(*) FILTER (WHERE status = %s AND result = %s),
             COUNT(*) FILTER (WHERE status = %s AND result = %s)
        FROM checks"""
    approved = str(InspectionStatus.APPROVED)
    params = [
        str(InspectionAction.SUBMIT),
        str(InspectionKind.SELF_CHECK),
        _day(first),
        *scope_params,
        _day(first),
        _day(first),
        *scope_params,
        *done_params,
        *done_params,
        _moment(due_moment(month)),
        approved,
        approved,
        str(Result.PASS),
        approved,
        str(Result.BASIC),
        approved,
        str(Result.FAIL),
    ]
    return sql, params


def _last_step_sql(record, event, fk: str, when: str, scope: str) -> str:
    """Each record of the scope raised before ``until``, with its timeline's last step before
    it (status, deadline) and flags of the month's steps: the common part of hazards and cases."""
    return f"""
      WITH r AS (
        SELECT id, {when} AS since FROM {_t(record)}
         WHERE compound_id IN ({scope}) AND {when} < %(until)s),
      ev AS (
        SELECT e.{fk} AS rid, e.action, e.at, e.to_status, e.deadline,
               ROW_NUMBER() OVER (PARTITION BY e.{fk} ORDER BY e.at DESC, e.id DESC) AS n
          FROM {_t(event)} e JOIN r ON r.id = e.{fk} WHERE e.at < %(until)s),
      per AS (
        SELECT r.id, r.since,
               MAX(CASE WHEN ev.action = %(a1)s AND ev.at >= %(start)s AND ev.at < %(end)s
                        THEN 1 ELSE 0 END) AS a1,
               MAX(CASE WHEN ev.action = %(a2)s AND ev.at >= %(start)s AND ev.at < %(end)s
                        THEN 1 ELSE 0 END) AS a2,
               MAX(CASE WHEN ev.n = 1 THEN ev.to_status END) AS status_then,
               MAX(CASE WHEN ev.n = 1 THEN ev.deadline END) AS deadline_then
          FROM r LEFT JOIN ev ON ev.rid = r.id GROUP BY r.id, r.since)"""


def _named(scope_params: list, scope: str) -> tuple[str, dict]:
    """Positional scope parameters as named ones (the month's SQL uses names)."""
    names = {f"s{i}": value for i, value in enumerate(scope_params)}
    for name in names:
        scope = scope.replace("%s", f"%({name})s", 1)
    return scope, names


def _month_params(month, action_1, action_2) -> dict:
    start, end = month_moments(month)
    until = month_end_moment(month)
    return {
        "start": _moment(start),
        "end": _moment(end),
        "until": _moment(until),
        "day_after": _day(timezone.localdate(until)),
        "a1": str(action_1),
        "a2": str(action_2),
    }


def hazard_sql(compounds, month) -> tuple[str, dict]:
    scope, params = _named(*reversed(_scope(compounds)))
    to_rectify = ", ".join(f"'{s}'" for s in TO_RECTIFY)
    done = f"'{HazardStatus.RECTIFIED}', '{HazardStatus.VERIFIED}'"
    sql = (
        _last_step_sql(Hazard, HazardEvent, "hazard_id", "created_at", scope)
        + f"""
      SELECT COUNT(*) FILTER (WHERE since >= %(start)s), SUM(a1), SUM(a2),
             COUNT(*) FILTER (WHERE status_then IN ({to_rectify})
                                AND deadline_then < %(day_after)s),
             COUNT(*) FILTER (WHERE since >= %(start)s AND status_then IN ({done}))
        FROM per"""
    )
    params.update(_month_params(month, HazardAction.RECTIFY, HazardAction.VERIFY))
    return sql, params


def _seconds(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {later} - {earlier})"
    return f"(julianday({later}) - julianday({earlier})) * 86400"


def dispute_sql(compounds, month) -> tuple[str, dict]:
    scope, params = _named(*reversed(_scope(compounds)))
    open_ = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
    c = _t(DisputeCase)
    sql = (
        _last_step_sql(DisputeCase, CaseEvent, "case_id", "registered_at", scope)
        + f"""
      SELECT COUNT(*) FILTER (WHERE per.since >= %(start)s),
             COUNT(*) FILTER (WHERE resolved_in = 1),
             SUM(a1),
             COUNT(*) FILTER (WHERE status_then IN ({open_}) AND deadline_then < %(day_after)s),
             COUNT(*) FILTER (WHERE per.since >= %(start)s AND counted = 1
                                AND closed_at < %(until)s),
             COUNT(*) FILTER (WHERE resolved_in = 1 AND counted = 1),
             AVG(CASE WHEN resolved_in = 1 AND counted = 1
                      THEN {_seconds("closed_at", "per.since")} END)
        FROM per JOIN (
          SELECT id, closed_at,
                 CASE WHEN status = %(resolved)s AND NOT resolved_by_respondent
                      THEN 1 ELSE 0 END AS counted,
                 CASE WHEN status = %(resolved)s AND closed_at >= %(start)s
                           AND closed_at < %(end)s THEN 1 ELSE 0 END AS resolved_in
            FROM {c}) x ON x.id = per.id"""
    )
    params.update(_month_params(month, CaseAction.ESCALATE, ""))
    params["resolved"] = str(Status.RESOLVED)
    return sql, params


def registration_sql(compounds, on) -> tuple[str, list]:
    scope, scope_params = _scope(compounds)
    kinds, kind_params = _in(REGISTERING_KINDS)
    sql = f"""
      SELECT COUNT(*), COUNT(*) FILTER (WHERE r.registered_on <= %s
                                          AND (r.permit_expires IS NULL OR r.permit_expires >= %s))
        FROM {_t(Resident)} r JOIN {_t(Household)} h ON h.id = r.household_id
       WHERE h.compound_id IN ({scope}) AND r.kind IN ({kinds})
         AND (r.moved_in IS NULL OR r.moved_in <= %s)
         AND (r.moved_out IS NULL OR r.moved_out > %s)"""
    return sql, [_day(on), _day(on), *scope_params, *kind_params, _day(on), _day(on)]


def _fetch(sql, params) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _values(result) -> tuple:
    if dataclasses.is_dataclass(result):
        values = []
        for value in dataclasses.astuple(result):
            if hasattr(value, "total_seconds"):
                value = round(value.total_seconds())
            values.append(value)
        return tuple(values)
    return tuple(result)


def _same(orm: tuple, sql: tuple) -> bool:
    """Equal counts; an average in seconds within a second (NULL where nothing counted)."""
    if len(orm) != len(sql):
        return False
    for mine, theirs in zip(orm, sql, strict=True):
        mine, theirs = float(mine or 0), float(theirs or 0)
        if abs(mine - theirs) > 1:
            return False
    return True


def cases(compounds, today) -> list[tuple[str, Callable, Callable]]:
    month = previous_month(month_of(today))
    return [
        (
            "self_check_figures",
            lambda: self_check_figures(compounds, month),
            lambda: self_check_sql(compounds, month),
        ),
        (
            "hazard_month_figures",
            lambda: hazard_month_figures(compounds, month),
            lambda: hazard_sql(compounds, month),
        ),
        (
            "dispute_month_figures",
            lambda: dispute_month_figures(compounds, month),
            lambda: dispute_sql(compounds, month),
        ),
        (
            "registration_rate",
            lambda: registration_rate(compounds, today),
            lambda: registration_sql(compounds, today),
        ),
    ]


def run(budget: Budget, compounds, today, progress) -> list[Figure]:
    figures = []
    for name, orm, statement in cases(compounds, today):
        sql, params = statement()
        queries, result = count_queries(orm)
        floor = sample(lambda sql=sql, params=params: _fetch(sql, params), budget)
        timed = sample(orm, budget)
        figure = Figure(
            "figures", name, "ms", timed.p50, floor=floor.p50, p95=timed.p95, queries=queries
        )
        figure.note = f"{_values(result)}"
        figure.check("the SQL gives the same numbers", _same(_values(result), _fetch(sql, params)))
        figure.check(f"≤ {targets.FIGURE_RATIO}× SQL", figure.ratio <= targets.FIGURE_RATIO)
        figures.append(figure)
        progress(figure)
    return figures
