"""The 群防群治 overview: the user's figures of the three parts (watch-group coverage, this
month's patrols — ended logs and hours —, 物防/技防 coverage), each from its one definition,
with the way to each part."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from communities.scoping import compounds_visible_to

from ..coverage import watch_group_coverage
from ..facility_coverage import facility_coverage
from ..list_figures import kept
from ..models import PatrolLog
from ..patrol_figures import logs_in, patrol_totals

PARTS = ("patrols.view_watchgroup", "patrols.view_patrollog", "patrols.view_facility")


@login_required
@require_GET
def overview(request):
    user = request.user
    if not any(user.has_perm(p) for p in PARTS):
        raise PermissionDenied
    today = timezone.localdate()
    month = today.replace(day=1)
    shown = tuple(user.has_perm(p) for p in PARTS)

    def compute() -> dict:
        compounds = compounds_visible_to(user)
        logs = PatrolLog.objects.visible_to(user)
        return {
            "groups": watch_group_coverage(compounds) if shown[0] else None,
            "patrols": patrol_totals(logs_in(logs, month, today), compounds) if shown[1] else None,
            "facilities": facility_coverage(compounds) if shown[2] else None,
        }

    # kept per scope (``patrols.list_figures``): a province's households, logs and facilities
    context = {**kept(user, "overview", (shown, today), compute), "month": month}
    return render(request, "patrols/overview.html", context)


urlpatterns = [path("joint-defence/", overview, name="overview")]
