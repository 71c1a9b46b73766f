"""What ``manage.py bench`` runs, group by group."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from communities.models import Compound
from disputes.models import DisputeCase

from . import exports, figures, imports, load, pages, report
from .timing import Budget

GROUPS = ["pages", "load", "figures", "report", "exports", "imports"]


class NoData(Exception):
    pass


def bureau():
    return get_user_model().objects.get(username="bureau")


def check_data() -> dict:
    """What the bureau sees (the scope of the run); refuses a database without the demo city."""
    users = get_user_model().objects.filter(username__in=pages.ROLES)
    if users.count() != len(pages.ROLES):
        raise NoData("No demo logins: run `manage.py seed_demo` (then `seed_scale`) first.")
    compounds = Compound.objects.visible_to(bureau())
    return {
        "compounds": compounds.count(),
        "dispute_cases": DisputeCase.objects.visible_to(bureau()).count(),
    }


def run(*, budget: Budget, quick: bool, groups, progress, match=None) -> list:
    today = timezone.localdate()
    compounds = Compound.objects.visible_to(bureau())
    measured = []
    if "pages" in groups:
        measured += pages.run(budget, progress, match=match)
    if "load" in groups:
        measured += load.run(quick=quick, progress=progress)
    if "figures" in groups:
        measured += figures.run(budget, compounds, today, progress)
    if "report" in groups:
        measured += report.run(quick=quick, progress=progress)
    if "exports" in groups:
        measured += exports.run(quick=quick, progress=progress)
    if "imports" in groups:
        measured += imports.run(quick=quick, progress=progress)
    return measured
