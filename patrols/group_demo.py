"""Household-watch groups of the demo city: a step of ``manage.py seed_demo``.

Every demo compound's occupied households are put in groups the way "propose groups" does
(neighbouring households, about ten a group, units kept together), through the same service,
so coverage is high (most compounds above 90 %) — except every fourth compound by code, where
only the first third of the proposed groups was formed, so the lists show low coverage too.
Each group's leader is its first household; groups were formed on a day in the past year.

Deterministic (``random.Random(seed)``, dates relative to today) and idempotent: when the demo
district has any watch group the step writes nothing. Written with django-auditlog disabled,
like the other demo steps.
"""

from __future__ import annotations

import datetime
import random

from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from communities.demo import DEFAULT_SEED, DISTRICT_CODE, DemoStepReport, register_demo_step
from communities.models import Compound

from .coverage import watch_group_coverage
from .models import WatchGroup
from .proposal import propose_groups
from .watch_groups import GroupSpec, groups_create

LOW_EVERY = 4  # every fourth compound is left with low coverage


def _district_compounds():
    return Compound.objects.filter(community__street__district__code=DISTRICT_CODE)


@transaction.atomic
def watch_groups_demo_seed(*, seed: int = DEFAULT_SEED) -> DemoStepReport:
    compounds = _district_compounds()
    before = WatchGroup.objects.filter(compound__in=compounds).count()
    if not before:
        rng = random.Random(f"{seed}:watch-groups")
        today = timezone.localdate()
        with disable_auditlog():
            for index, compound in enumerate(compounds.order_by("code")):
                proposal = propose_groups(compound)
                if index % LOW_EVERY == LOW_EVERY - 1:
                    proposal = proposal[: len(proposal) // 3]
                if not proposal:
                    continue
                formed = today - datetime.timedelta(days=rng.randint(30, 365))
                groups_create(
                    actor=None,
                    compound=compound,
                    specs=[GroupSpec(households=g, leader=g[0]) for g in proposal],
                    formed_on=formed,
                )
    coverage = watch_group_coverage(compounds)
    groups = WatchGroup.objects.filter(compound__in=compounds)
    return DemoStepReport(
        title="Watch groups demo (十户联防)",
        counts={
            "watch groups": groups.count(),
            "occupied households": coverage.occupied,
            "  in a group": coverage.covered,
        },
        created=groups.count() - before,
    )


register_demo_step(watch_groups_demo_seed)
