"""The patrol figures, each defined once: the workbench shows them, the reports reuse them.

Every function works on the logs of a queryset the caller has already scoped
(``PatrolLog.objects.visible_to(user)``) and, with ``logs_in``, narrowed to a period. The rows
are read once (``patrol_rows``: two queries whatever the number of logs or compounds) and
grouped in one pass by compound, community, street or district and, if asked, by month.

A log covering two compounds counts for each compound, but once for a community, street or
district holding both (the groups are sets of logs). A finding and its hazard count where they
were found. Only ended logs are counted: a patrol under way has no length yet.

- **logs**: ended patrol logs;
- **hours**: their length summed, in hours with one decimal;
- **members active**: different team members present on at least one of them;
- **findings**: findings recorded on them, by the compound they were found in;
- **hazards raised**: those findings that raised a hazard.
"""

from __future__ import annotations

import datetime
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BigIntegerField, F, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone

from communities.months import month_bounds
from patrols.models import PatrolFinding, PatrolLog

COMPOUND, COMMUNITY, STREET, DISTRICT = "compound", "community", "street", "district"
LEVELS = (COMPOUND, COMMUNITY, STREET, DISTRICT)
READ_CHUNK = 5000  # rows fetched at a time (a server-side cursor on PostgreSQL)
ALL = "all"  # every log in one group (with ``by_month``: the figures per month)
# From a compound row (of the log↔compound table) to each level's id.
_PATHS = {
    COMPOUND: "compound_id",
    COMMUNITY: "compound__community_id",
    STREET: "compound__community__street_id",
    DISTRICT: "compound__community__street__district_id",
}


def logs_in(logs: QuerySet, first: datetime.date, last: datetime.date) -> QuerySet:
    """Logs started between two local dates, both included."""
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
    )
    return logs.filter(started_at__gte=start, started_at__lt=end)


@dataclass
class PatrolRows:
    """What the figures are computed from: per ended log its length and month, where it went
    (a log and a compound per place, as two columns of numbers, and each compound's community,
    street and district once: a province's month of 154,000 places as dicts took 90 MB), who
    was there and what it found."""

    seconds: dict[int, float] = field(default_factory=dict)
    month: dict[int, datetime.date] = field(default_factory=dict)
    place_logs: array = field(default_factory=lambda: array("q"))
    place_compounds: array = field(default_factory=lambda: array("q"))
    #: each compound's (community, street, district) ids
    compound_places: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    members: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    findings: list[dict] = field(default_factory=list)
    listed: int = 0  # every log read, ended or under way

    def places(self, level: str) -> Iterator[tuple[int, int]]:
        """Each place as (log id, the id of its compound, community, street or district)."""
        pairs = zip(self.place_logs, self.place_compounds, strict=True)
        if level == COMPOUND:
            return iter(pairs)
        above = self.compound_places
        position = LEVELS.index(level) - 1
        return ((log_id, above[compound_id][position]) for log_id, compound_id in pairs)


def patrol_rows(logs: QuerySet, compounds: QuerySet | None = None) -> PatrolRows:
    """Read the scoped logs' rows: two queries, the logs, then their places, members present
    and findings together (``_links``). With ``compounds`` (a reader's visible compounds),
    only the places and findings among them count: a patrol that also went through another
    company's compound counts for the reader's own, its hours once. ``listed`` counts every
    log given, under way or not (a list's length)."""
    rows = PatrolRows()
    months: dict[datetime.date, datetime.date] = {}  # one date object per month, not per log
    logs_read = logs.order_by().values_list("pk", "started_at", "ended_at")
    for pk, started, ended_at in logs_read.iterator(chunk_size=READ_CHUNK):
        rows.listed += 1
        if ended_at is None:  # under way: no length yet
            continue
        rows.seconds[pk] = (ended_at - started).total_seconds()
        month = timezone.localtime(started).date().replace(day=1)
        rows.month[pk] = months.setdefault(month, month)
    if not rows.seconds:
        return rows
    # The logs again as a subquery, not their ids as parameters: a province's 150,000 ids made
    # statements of 150,000 parameters (30 s to build and run). A log written between the
    # statements is left out of the second, as it is of the first.
    ids = logs.filter(ended_at__isnull=False).order_by().values("pk")
    for part, log_id, *link in _links(ids, compounds).iterator(chunk_size=READ_CHUNK):
        if log_id not in rows.seconds:
            continue
        if part == _PLACE:
            compound_id, *above = link[:4]
            rows.place_logs.append(log_id)
            rows.place_compounds.append(compound_id)
            if compound_id not in rows.compound_places:
                rows.compound_places[compound_id] = tuple(above)
        elif part == _MEMBER:
            rows.members[log_id].add(link[0])
        else:
            place = dict(zip((f"place_{level}" for level in LEVELS), link[:4], strict=True))
            rows.findings.append(
                {"log_id": log_id, "hazard_id": link[4], "month": rows.month[log_id], **place}
            )
    return rows


_PLACE, _MEMBER, _FINDING = 1, 2, 3
_LINK_COLUMNS = ("link_part", "link_log", "link_1", "link_2", "link_3", "link_4", "link_5")


def _links(ids: QuerySet, compounds: QuerySet | None) -> QuerySet:
    """The places, members present and findings of the logs ``ids`` in one statement
    (``UNION ALL``), each row ``(part, log id, …)``: a place's compound, community, street
    and district; a member's id; a finding's compound, community, street, district and hazard.
    Three statements over a province's 150,000 logs made the log list's first view pass its
    limit of queries."""
    nothing = Cast(Value(None), BigIntegerField())  # a typed NULL: PostgreSQL's UNION matches types

    def columns(rows: QuerySet, part: int, log: str, *links) -> QuerySet:
        links = [F(link) if isinstance(link, str) else link for link in links]
        named = dict(zip(_LINK_COLUMNS, [Value(part), F(log), *links], strict=True))
        return rows.order_by().annotate(**named).values_list(*_LINK_COLUMNS)

    places = PatrolLog.compounds.through.objects.filter(patrollog_id__in=ids)
    found = PatrolFinding.objects.filter(log_id__in=ids)
    if compounds is not None:
        places = places.filter(compound__in=compounds)
        found = found.filter(compound__in=compounds)
    present = PatrolLog.members.through.objects.filter(patrollog_id__in=ids)
    return columns(places, _PLACE, "patrollog_id", *_PATHS.values(), nothing).union(
        columns(present, _MEMBER, "patrollog_id", "teammember_id", *[nothing] * 4),
        columns(found, _FINDING, "log_id", *_PATHS.values(), "hazard_id"),
        all=True,
    )


# The figures: each one definition over a group's logs (a set of ids) and findings -------------


def log_count(rows: PatrolRows, logs: Iterable[int]) -> int:
    return len(set(logs))


def patrol_hours(rows: PatrolRows, logs: Iterable[int]) -> Decimal:
    seconds = sum(rows.seconds[pk] for pk in set(logs))
    return (Decimal(seconds) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def members_active(rows: PatrolRows, logs: Iterable[int]) -> int:
    people: set[int] = set()
    for pk in set(logs):
        people |= rows.members.get(pk, set())
    return len(people)


def finding_count(findings: list[dict]) -> int:
    return len(findings)


def hazards_raised(findings: list[dict]) -> int:
    return sum(1 for f in findings if f["hazard_id"] is not None)


def figures_of(rows: PatrolRows, logs: Iterable[int], findings: list[dict]) -> dict:
    logs = set(logs)
    return {
        "logs": log_count(rows, logs),
        "hours": patrol_hours(rows, logs),
        "members": members_active(rows, logs),
        "findings": finding_count(findings),
        "hazards": hazards_raised(findings),
    }


EMPTY = {"logs": 0, "hours": Decimal("0.0"), "members": 0, "findings": 0, "hazards": 0}


def totals_of(rows: PatrolRows) -> dict:
    """The figures of all the rows (every log once)."""
    return figures_of(rows, rows.seconds, rows.findings)


def patrol_totals(logs: QuerySet, compounds: QuerySet | None = None) -> dict:
    """The figures of all the logs given (every log once); ``compounds`` as ``patrol_rows``."""
    return totals_of(patrol_rows(logs, compounds))


def figures_by_rows(rows: PatrolRows, level: str = COMPOUND, *, by_month: bool = False) -> dict:
    """``patrol_figures_by`` over rows already read (a page showing several breakdowns reads
    the rows once)."""

    def key(where, month):
        if level == ALL:
            return month if by_month else ALL
        return (where, month) if by_month else where

    groups: dict = defaultdict(set)
    for log_id, where in rows.places(level if level != ALL else COMPOUND):
        groups[key(where, rows.month[log_id])].add(log_id)
    found: dict = defaultdict(list)
    for finding in rows.findings:
        where = finding[f"place_{level if level != ALL else COMPOUND}"]
        found[key(where, finding["month"])].append(finding)
    return {k: figures_of(rows, groups.get(k, ()), found.get(k, [])) for k in groups}


def patrol_figures_by(logs: QuerySet, level: str = COMPOUND, *, by_month: bool = False) -> dict:
    """The figures per compound, community, street or district id (and per month: keys
    ``(id, first day of the month)``; with ``ALL``, per month alone), in one pass over the
    rows; groups with no ended log are left out (``EMPTY`` is their figures)."""
    return figures_by_rows(patrol_rows(logs), level, by_month=by_month)


# Monthly figures (architecture 10.9's pattern): the scope's compounds and a month ------------


def _month_rows(compounds: QuerySet, month: datetime.date) -> PatrolRows:
    logs = PatrolLog.objects.filter(compounds__in=compounds).distinct()
    return patrol_rows(logs_in(logs, *month_bounds(month)), compounds)


def patrol_month_figures(compounds: QuerySet, month: datetime.date) -> dict:
    """Ended patrols started in the month through the compounds: logs, hours, members active,
    findings and hazards raised among them (a log through two of them counts once); two
    queries, one with no log."""
    return totals_of(_month_rows(compounds, month))


def patrol_month_figures_by(
    compounds: QuerySet, month: datetime.date, level: str = COMPOUND
) -> dict[int, dict]:
    """``patrol_month_figures`` of each compound, community, street or district (by id; a
    place with no log is absent: ``EMPTY``), from the same two queries."""
    return figures_by_rows(_month_rows(compounds, month), level)
