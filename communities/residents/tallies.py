"""Each compound's 以房管人 figures of the day, kept in ``ResidentTally`` (issue 14).

The figures are defined once, in ``figures`` and ``worklist``; a tally is what they give for
one compound on one day. A page of today's figures adds up its compounds' tallies: a
province's overview reads 20,000 rows, not a million households and their residents.

A tally stays true because it is written again:

- **on change**: saving or deleting a household or a resident marks its compound; once the
  change commits, the marked compounds are computed again. Until then, a read in the same
  thread (the same request or test) computes them first, so a user sees their own change;
- **on read**: a compound with no tally of the day (a new day, a new compound, a bulk load)
  is computed before the sum;
- **every night** (``communities.refresh_resident_tallies``): every compound for the new day,
  so the first page of the morning does not pay for it.

A write never replaces figures read later than its own (``computed_at``): a read that
started before a change committed cannot put back what the change made stale.
Bulk writes (``bulk_create``, ``update``, COPY) send no signal: whoever makes them calls
``refresh`` or ``forget_all`` (``seed_scale``).
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

from communities.chunks import chunked
from communities.levels import level_keys
from communities.models import Compound, Household, Resident, ResidentTally

from .figures import RegistrationRate, ResidentFigures, resident_figures_by
from .worklist import WorkItem, person_item_counts

FIGURE_FIELDS = (
    "households",
    "occupied",
    "with_roster",
    "residents",
    "floating",
    "rented",
    "rented_without_tenant",
)
RATE_FIELDS = ("present", "registered")
#: the work list's items and the tally's field of each
ITEM_FIELDS = {
    WorkItem.UNREGISTERED: "unregistered",
    WorkItem.EXPIRING: "expiring",
    WorkItem.EXPIRED: "expired",
    WorkItem.NO_TENANT: "rented_without_tenant",
}
COUNTED = (*FIGURE_FIELDS, *RATE_FIELDS, "unregistered", "expiring", "expired")
COLUMNS = ("compound_id", "day", "computed_at", *COUNTED)
#: compounds computed together (two grouped queries and one write each)
CHUNK = 500
LEVELS = level_keys("compound")

_local = threading.local()


# -- marking what changed ---------------------------------------------------------------------


def _marked() -> tuple[set[int], set[int]]:
    """This thread's compounds and households changed since their tallies were written."""
    if not hasattr(_local, "compounds"):
        _local.compounds, _local.households = set(), set()
    return _local.compounds, _local.households


def _household_loaded(sender, instance, **kwargs) -> None:
    """Remember the compound a household was read with: moved to another (the admin may),
    both compounds change."""
    instance._tally_compound_id = instance.__dict__.get("compound_id")


def _household_changed(sender, instance, **kwargs) -> None:
    compounds = _marked()[0]
    compounds.add(instance.compound_id)
    loaded = getattr(instance, "_tally_compound_id", None)
    if loaded is not None:
        compounds.add(loaded)
    transaction.on_commit(_refresh_marked, robust=True)


def _resident_changed(sender, instance, **kwargs) -> None:
    compounds, households = _marked()
    if Resident.household.is_cached(instance):
        compounds.add(instance.household.compound_id)
    else:  # a cascade from its household: found when computed, never read row by row
        households.add(instance.household_id)
    transaction.on_commit(_refresh_marked, robust=True)


def connect() -> None:
    """From ``residents.setup``: every save or delete of a household or resident."""
    for model, receiver in ((Household, _household_changed), (Resident, _resident_changed)):
        uid = f"resident-tally.{model._meta.label_lower}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.delete", weak=False)
    post_init.connect(_household_loaded, sender=Household, dispatch_uid="resident-tally.loaded")


def _marked_compounds() -> set[int]:
    compounds, households = _marked()
    if households:
        found = Household.objects.filter(pk__in=households).values_list("compound_id", flat=True)
        compounds.update(found)
        households.clear()
    return compounds


def _refresh_marked() -> None:
    """After a commit: the marked compounds, computed once however many rows changed (each
    change asked for this; the first call does it all)."""
    compounds = _marked_compounds()
    if compounds:
        marked = set(compounds)
        refresh(marked)  # a failure is logged (robust) and the marks stay for the next commit
        compounds.difference_update(marked)


def forget() -> None:
    """Drop this thread's marks (a test's transaction rolled back)."""
    _local.__dict__.clear()


def forget_all() -> None:
    """Drop every tally (after a bulk load): each is computed again when read."""
    ResidentTally.objects.all().delete()


# -- computing and writing --------------------------------------------------------------------


def refresh(compound_ids: Iterable[int], on: datetime.date | None = None) -> int:
    """Compute and write the tallies of these compounds (those that still exist) for the
    day; how many were written."""
    found = [
        pk
        for chunk in chunked(set(compound_ids), CHUNK)
        for pk in Compound.objects.filter(pk__in=chunk).values_list("pk", flat=True)
    ]
    return _compute(found, on or timezone.localdate())


def refresh_all(on: datetime.date | None = None) -> int:
    """Every compound for the day (the nightly job)."""
    ids = list(Compound.objects.order_by("pk").values_list("pk", flat=True))
    return _compute(ids, on or timezone.localdate())


def _compute(ids: list[int], on: datetime.date) -> int:
    """Write the tallies of these compounds (which exist), in chunks: four queries each.
    Always in the order of their ids, so two writers never wait for each other's rows in
    opposite orders (a deadlock)."""
    return sum(_compute_chunk(chunk, on) for chunk in chunked(sorted(ids), CHUNK))


def _compute_chunk(ids: list[int], on: datetime.date) -> int:
    computed_at = timezone.now()  # before reading: what changes after it is not in these
    figures = resident_figures_by(Compound.objects.filter(pk__in=ids), "compound", on)
    items = person_item_counts(
        Resident.objects.filter(household__compound__in=ids), "household__compound_id", on
    )
    rows = []
    for pk in ids:
        found = figures.get(pk, ResidentFigures())
        counts = items.get(pk, {})
        rows.append(
            (
                pk,
                on,
                computed_at,
                *(getattr(found, name) for name in FIGURE_FIELDS),
                found.rate.present,
                found.rate.registered,
                *(counts.get(str(item), 0) for item in ITEM_FIELDS if item != WorkItem.NO_TENANT),
            )
        )
    _write(rows)
    return len(rows)


def _write(rows: list[tuple]) -> None:
    """Insert or replace, unless the row there was read later (both databases' upsert)."""
    ops = connection.ops
    table = ops.quote_name(ResidentTally._meta.db_table)
    placeholders = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    updates = ", ".join(f"{name} = excluded.{name}" for name in COLUMNS[1:])
    values = ", ".join([placeholders] * len(rows))
    # Names from this module and the model, never from input; the values are parameters.
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES {values}"  # noqa: S608
    sql += f" ON CONFLICT (compound_id) DO UPDATE SET {updates}"
    sql += f" WHERE {table}.computed_at <= excluded.computed_at"
    params = []
    for pk, day, computed_at, *counts in rows:
        params.extend(
            (pk, ops.adapt_datefield_value(day), ops.adapt_datetimefield_value(computed_at))
        )
        params.extend(counts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# -- reading ----------------------------------------------------------------------------------


def current(compounds: QuerySet, on: datetime.date | None = None) -> QuerySet[ResidentTally]:
    """The tallies of these compounds for the day, each computed first if it is missing, of
    another day or changed by this thread and not yet committed."""
    on = on or timezone.localdate()
    stale = ~Q(resident_tally__day=on)
    marked = _marked_compounds()  # they stay marked: computed again once the change commits
    if marked:
        stale |= Q(pk__in=marked)
    _compute(list(compounds.filter(stale).values_list("pk", flat=True)), on)
    return ResidentTally.objects.filter(compound__in=compounds, day=on)


def _sums() -> dict:
    return {name: Coalesce(Sum(name), 0) for name in COUNTED}


def _figures(row: dict) -> ResidentFigures:
    rate = RegistrationRate(present=row["present"], registered=row["registered"])
    return ResidentFigures(**{name: row[name] for name in FIGURE_FIELDS}, rate=rate)


def total(parts: Iterable[ResidentFigures]) -> ResidentFigures:
    """The figures of places taken together (each compound in one of them)."""
    sums = dict.fromkeys((*FIGURE_FIELDS, *RATE_FIELDS), 0)
    for part in parts:
        for name in FIGURE_FIELDS:
            sums[name] += getattr(part, name)
        sums["present"] += part.rate.present
        sums["registered"] += part.rate.registered
    return _figures(sums)


def figures(tallies: QuerySet[ResidentTally]) -> ResidentFigures:
    """``ResidentFigures`` of the compounds of ``current`` tallies, in one query."""
    return _figures(tallies.aggregate(**_sums()))


def figures_by(tallies: QuerySet[ResidentTally], level: str) -> dict[int, ResidentFigures]:
    """``ResidentFigures`` of each compound, community, street or district of ``current``
    tallies (keyed by its id; places with no household are absent), in one query."""
    key = LEVELS[level]
    rows = tallies.filter(households__gt=0).values(key).order_by(key).annotate(**_sums())
    return {row[key]: _figures(row) for row in rows}


def item_counts(tallies: QuerySet[ResidentTally]) -> dict[str, int]:
    """The registration work list's counts (``worklist.item_counts``) of ``current``
    tallies, in one query."""
    sums = {str(item): Coalesce(Sum(name), 0) for item, name in ITEM_FIELDS.items()}
    row = tallies.aggregate(**sums)
    return {str(item): row[str(item)] for item in WorkItem}
