"""The kinds of summary the workbench page offers, in its order: the form's choice → the
exporter registered for it."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from .compounds import CompoundSummary
from .records import (
    DisputesSummary,
    HazardsSummary,
    PatrolLogsSummary,
    ResidentsSummary,
    SelfChecksSummary,
    WatchGroupsSummary,
)

KINDS = {
    "compounds": (pgettext_lazy("summary kind", "Compound summary"), CompoundSummary),
    "self_checks": (pgettext_lazy("summary kind", "Self-checks"), SelfChecksSummary),
    "hazards": (pgettext_lazy("summary kind", "Hazards"), HazardsSummary),
    "disputes": (pgettext_lazy("summary kind", "Disputes"), DisputesSummary),
    "watch_groups": (pgettext_lazy("summary kind", "Household-watch groups"), WatchGroupsSummary),
    "patrol_logs": (pgettext_lazy("summary kind", "Patrol logs"), PatrolLogsSummary),
    "residents": (pgettext_lazy("summary kind", "Residents' registration"), ResidentsSummary),
}


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, label) for kind, (label, _exporter) in KINDS.items()]


def exporter_key(kind: str) -> str:
    return KINDS[kind][1].key


def register_exporters() -> None:
    from communities.exports import register

    for _label, exporter_class in KINDS.values():
        register(exporter_class())
