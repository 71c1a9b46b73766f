"""物防 / 技防 coverage: whether a compound is covered, computed from its entrances and working
facilities, never typed in. The rules are settings (``PATROLS_TECH_COVERAGE_RULE``,
``PATROLS_PHYSICAL_COVERAGE_RULE``), by default:

- 技防 (technical) covered: every entrance has a working camera and a working access control,
  and the compound has a working alarm point;
- 物防 (physical) covered: the perimeter is closed (a working perimeter fence or wall) and every
  entrance has a working gate post or barrier.

"Working" is ``in_service``; a facility's location does not matter for the compound-wide kinds
(an alarm point at a gate counts). A compound with no entrance recorded is **not assessed**: it
is neither covered nor uncovered, left out of the rates and counted on its own.

Each figure is defined once here, over a compounds queryset the caller has already scoped
(``Compound.objects.visible_to(user)``): ``facility_coverage`` (one query),
``facility_coverage_by`` (one query for all groups), ``annotate_coverage`` for lists (no
extra query), and ``coverage_gaps_bulk`` / ``coverage_gaps`` for the missing pieces in words
(two queries whatever the number of compounds).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy

from patrols.models import Entrance, Facility, FacilityKind

PHYSICAL, TECH = "physical", "tech"

# What a compound's status is, for each kind of protection.
COVERED, NOT_COVERED, NOT_ASSESSED = "covered", "not_covered", "not_assessed"
STATUS_LABELS = {
    COVERED: gettext_lazy("covered"),
    NOT_COVERED: gettext_lazy("not covered"),
    NOT_ASSESSED: gettext_lazy("not assessed"),
}

MSG_NO_ENTRANCE = gettext_lazy("No entrance is recorded: not assessed")
MSG_ENTRANCE_LACKS = gettext_lazy("%(entrance)s has no working %(kind)s")
MSG_COMPOUND_LACKS = gettext_lazy("No working %(kind)s")
MSG_PERIMETER_OPEN = gettext_lazy("The perimeter is not closed")


@dataclass(frozen=True)
class CoverageRule:
    """Kinds every entrance needs one working of each, and kinds the compound needs one of."""

    each_entrance: tuple[str, ...]
    compound: tuple[str, ...]

    @classmethod
    def from_setting(cls, value: dict) -> CoverageRule:
        return cls(
            each_entrance=tuple(value.get("each_entrance", ())),
            compound=tuple(value.get("compound", ())),
        )


def rules() -> dict[str, CoverageRule]:
    """The two rules, read from the settings when asked (tests may change them)."""
    return {
        PHYSICAL: CoverageRule.from_setting(settings.PATROLS_PHYSICAL_COVERAGE_RULE),
        TECH: CoverageRule.from_setting(settings.PATROLS_TECH_COVERAGE_RULE),
    }


def targets() -> dict[str, Decimal]:
    """The targets as percentages (90.0, 85.0 by default)."""
    return {
        PHYSICAL: _percent_of(settings.PHYSICAL_COVERAGE_TARGET),
        TECH: _percent_of(settings.TECH_COVERAGE_TARGET),
    }


def _percent_of(fraction: float) -> Decimal:
    return (Decimal(str(fraction)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    """A rate in percent with one decimal; None when nothing was assessed."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# The conditions, as expressions over a compound (OuterRef("pk")) -----------------------------


def _working(kind: str, **where) -> QuerySet:
    return Facility.objects.filter(kind=kind, in_service=True, **where)


def has_entrance() -> Exists:
    return Exists(Entrance.objects.filter(compound=OuterRef("pk")))


def rule_met(rule: CoverageRule) -> Q:
    """The compound (with at least one entrance) meets ``rule``: for each entrance kind, no
    entrance lacks a working one; for each compound kind, a working one exists."""
    condition = Q()
    for kind in rule.each_entrance:
        lacking = Entrance.objects.filter(compound=OuterRef("pk")).filter(
            ~Exists(_working(kind, entrance=OuterRef("pk")))
        )
        condition &= ~Exists(lacking)
    for kind in rule.compound:
        condition &= Exists(_working(kind, compound=OuterRef("pk")))
    return condition


def covered_q(which: str) -> Q:
    """Covered for ``which`` (PHYSICAL or TECH): assessed and meeting the rule."""
    return Q(has_entrance()) & rule_met(rules()[which])


def annotate_coverage(compounds: QuerySet) -> QuerySet:
    """Each compound with ``assessed``, ``physical_covered`` and ``tech_covered`` (booleans),
    in the same query as the compounds."""
    return compounds.annotate(
        assessed=has_entrance(),
        physical_covered=ExpressionWrapper(covered_q(PHYSICAL), output_field=BooleanField()),
        tech_covered=ExpressionWrapper(covered_q(TECH), output_field=BooleanField()),
    )


def coverage_status(compound, which: str) -> str:
    """COVERED, NOT_COVERED or NOT_ASSESSED of an annotated compound."""
    if not compound.assessed:
        return NOT_ASSESSED
    return COVERED if getattr(compound, f"{which}_covered") else NOT_COVERED


# The figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageFigures:
    compounds: int
    assessed: int
    not_assessed: int
    physical_covered: int
    tech_covered: int
    physical_rate: Decimal | None  # % of assessed compounds, one decimal
    tech_rate: Decimal | None
    physical_target: Decimal
    tech_target: Decimal

    @property
    def physical_meets_target(self) -> bool:
        return self.physical_rate is not None and self.physical_rate >= self.physical_target

    @property
    def tech_meets_target(self) -> bool:
        return self.tech_rate is not None and self.tech_rate >= self.tech_target


def _counts() -> dict:
    assessed = Q(has_entrance())
    return {
        "compounds": Count("pk"),
        "assessed": Count("pk", filter=assessed),
        "physical_covered": Count("pk", filter=covered_q(PHYSICAL)),
        "tech_covered": Count("pk", filter=covered_q(TECH)),
    }


def _figures(row: dict) -> CoverageFigures:
    goal = targets()
    return CoverageFigures(
        compounds=row["compounds"],
        assessed=row["assessed"],
        not_assessed=row["compounds"] - row["assessed"],
        physical_covered=row["physical_covered"],
        tech_covered=row["tech_covered"],
        physical_rate=percent(row["physical_covered"], row["assessed"]),
        tech_rate=percent(row["tech_covered"], row["assessed"]),
        physical_target=goal[PHYSICAL],
        tech_target=goal[TECH],
    )


def facility_coverage(compounds: QuerySet) -> CoverageFigures:
    """物防/技防 coverage of the (already scoped) compounds, in one query. The rates are of the
    assessed compounds (those with at least one entrance recorded)."""
    return _figures(compounds.order_by().aggregate(**_counts()))


GROUPS = {
    "community": ("community_id", "community__name", "community__code"),
    "street": ("community__street_id", "community__street__name", "community__street__code"),
    "district": (
        "community__street__district_id",
        "community__street__district__name",
        "community__street__district__code",
    ),
}


@dataclass(frozen=True)
class GroupCoverage:
    pk: int
    name: str
    code: str
    figures: CoverageFigures


def facility_coverage_by(compounds: QuerySet, group: str) -> list[GroupCoverage]:
    """The same figures per community, street or district (``group``), in one query, in the
    order of the groups' codes; groups without a compound in ``compounds`` are not listed."""
    pk, name, code = GROUPS[group]
    rows = compounds.order_by().values(pk, name, code).annotate(**_counts()).order_by(code)
    return [GroupCoverage(row[pk], row[name], row[code], _figures(row)) for row in rows]


# The missing pieces, in words ----------------------------------------------------------------


def _kind_word(kind: str) -> str:
    return str(FacilityKind(kind).label) if kind in FacilityKind.values else kind


def _compound_gap(kind: str) -> str:
    if kind == FacilityKind.PERIMETER:
        return str(MSG_PERIMETER_OPEN)
    return MSG_COMPOUND_LACKS % {"kind": _kind_word(kind)}


@dataclass(frozen=True)
class Gaps:
    """What a compound lacks, in words, for each kind of protection; ``assessed`` is False for
    a compound with no entrance (then both lists hold that one sentence)."""

    assessed: bool
    physical: list[str]
    tech: list[str]

    def status(self, which: str) -> str:
        """COVERED, NOT_COVERED or NOT_ASSESSED: the same answer as ``covered_q`` (tested)."""
        if not self.assessed:
            return NOT_ASSESSED
        return NOT_COVERED if getattr(self, which) else COVERED


def coverage_gaps_bulk(compound_ids: Iterable[int]) -> dict[int, Gaps]:
    """The gaps of each compound in ``compound_ids`` (the caller scoped them), in the reader's
    language: two queries whatever their number."""
    ids = list(compound_ids)
    entrances: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, compound_id, name in (
        Entrance.objects.filter(compound_id__in=ids)
        .order_by("compound_id", "name", "pk")
        .values_list("pk", "compound_id", "name")
    ):
        entrances[compound_id].append((pk, name))
    at_entrance: set[tuple[int, str]] = set()
    in_compound: set[tuple[int, str]] = set()
    for compound_id, entrance_id, kind in (
        Facility.objects.filter(compound_id__in=ids, in_service=True)
        .values_list("compound_id", "entrance_id", "kind")
        .distinct()
    ):
        in_compound.add((compound_id, kind))
        if entrance_id is not None:
            at_entrance.add((entrance_id, kind))
    gaps = {}
    for compound_id in ids:
        gates = entrances.get(compound_id, [])
        if not gates:
            words = [str(MSG_NO_ENTRANCE)]
            gaps[compound_id] = Gaps(assessed=False, physical=words, tech=list(words))
            continue
        found = {}
        for which, rule in rules().items():
            missing = [
                MSG_ENTRANCE_LACKS % {"entrance": name, "kind": _kind_word(kind)}
                for pk, name in gates
                for kind in rule.each_entrance
                if (pk, kind) not in at_entrance
            ]
            missing += [
                _compound_gap(kind)
                for kind in rule.compound
                if (compound_id, kind) not in in_compound
            ]
            found[which] = missing
        gaps[compound_id] = Gaps(assessed=True, physical=found[PHYSICAL], tech=found[TECH])
    return gaps


def coverage_gaps(compound) -> Gaps:
    """One compound's gaps (two queries)."""
    return coverage_gaps_bulk([compound.pk])[compound.pk]


__all__ = [
    "COVERED",
    "NOT_ASSESSED",
    "NOT_COVERED",
    "PHYSICAL",
    "TECH",
    "CoverageFigures",
    "Gaps",
    "GroupCoverage",
    "annotate_coverage",
    "coverage_gaps",
    "coverage_gaps_bulk",
    "coverage_status",
    "facility_coverage",
    "facility_coverage_by",
]
