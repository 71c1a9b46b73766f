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
from ..models import PatrolLog
from ..patrol_figures import logs_in, patrol_totals

PARTS = ("patrols.view_watchgroup", "patrols.view_patrollog", "patrols.view_facility")


@login_required
@require_GET
def overview(request):
    user = request.user
    if not any(user.has_perm(p) for p in PARTS):
        raise PermissionDenied
    compounds = compounds_visible_to(user)
    today = timezone.localdate()
    month = today.replace(day=1)
    context = {
        "groups": watch_group_coverage(compounds) if user.has_perm(PARTS[0]) else None,
        "patrols": (
            patrol_totals(logs_in(PatrolLog.objects.visible_to(user), month, today), compounds)
            if user.has_perm(PARTS[1])
            else None
        ),
        "facilities": facility_coverage(compounds) if user.has_perm(PARTS[2]) else None,
        "month": month,
    }
    return render(request, "patrols/overview.html", context)


urlpatterns = [path("joint-defence/", overview, name="overview")]
