"""Workbench pages: patrol logs, on a phone — "log a patrol" (start and end at once), "start
patrol" now and "end patrol" later, the log list with its filters and figures, a log's page
with its findings (a finding may raise a hazard) and the patrols due and missed.

Reads start from ``visible_to(user)`` (404 outside the scope); writes call one service each,
which checks that the user runs the team (others read only: 403).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities import audit
from communities.exports.views import export_begin
from communities.models import Community, Compound, Street
from communities.paginators import EstimatedCountPaginator
from communities.scoping import compounds_visible_to, get_visible_or_404, scope_for
from communities.validators import ascii_int
from communities.workflow import WorkflowError
from patrols import services_patrols as services
from patrols import team_selectors as s
from patrols.list_figures import kept, list_figures
from patrols.missed import planned_windows
from patrols.models import PatrolLog, PatrolTeam
from patrols.patrol_figures import (
    ALL,
    COMMUNITY,
    COMPOUND,
    STREET,
    figures_by_rows,
    patrol_rows,
    totals_of,
)
from patrols.services_teams import runs_team, teams_run_by
from patrols.team_exporting import LOGS_EXPORTER_KEY
from patrols.team_forms import (
    FindingForm,
    MissedFilterForm,
    PatrolEndForm,
    PatrolFilterForm,
    PatrolLogForm,
    PatrolStartForm,
)
from patrols.team_privacy import shows_members

LOG_PAGE_SIZE = 25
DUE_PAGE_SIZE = 50


def _refusal(form, error) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            form.add_error(None, message)
    else:
        form.add_error(None, str(error.message))


def _team_to_log(request, pk) -> PatrolTeam:
    team = get_visible_or_404(request, PatrolTeam.objects.visible_to(request.user), pk=pk)
    if not runs_team(request.user, team):
        raise PermissionDenied
    return team


def _members(team):
    today = timezone.localdate()
    return team.members.filter(left_on__isnull=True, joined_on__lte=today).order_by("name", "pk")


def _add_finding(log, actor, data) -> None:
    if not (data.get("finding") or "").strip():
        return
    services.finding_add(
        log=log,
        actor=actor,
        compound=data.get("finding_compound") or log.compounds.order_by("name").first(),
        description=data["finding"],
        raise_hazard=bool(data.get("raise_hazard")),
        category=data.get("category") or "public_order",
        severity=data.get("severity") or "medium",
    )


@login_required
@permission_required("patrols.add_patrollog", raise_exception=True)
@require_http_methods(["GET", "POST"])
def patrol_log_new(request, pk):
    """Log a patrol that has taken place: the times, ticked compounds and members, and what was
    found, in one step (a finding may raise a hazard)."""
    user = request.user
    team = _team_to_log(request, pk)
    shown = shows_members(user, team)
    form = PatrolLogForm(request.POST or None, team=team, members=_members(team), shown=shown)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            from django.db import transaction

            with transaction.atomic():
                log = services.patrol_log(
                    team=team,
                    actor=user,
                    started_at=data["started_at"],
                    ended_at=data["ended_at"],
                    compounds=data["compounds"],
                    members=data["members"],
                    area=data["area"],
                    route=data["route"],
                )
                _add_finding(log, user, data)
        except (WorkflowError, ValidationError) as error:
            _refusal(form, error)
        else:
            messages.success(request, _("The patrol was logged."))
            return redirect("patrols:patrol_detail", pk=log.pk)
    return render(request, "patrols/patrol_form.html", {"form": form, "team": team})


@login_required
@permission_required("patrols.add_patrollog", raise_exception=True)
@require_http_methods(["GET", "POST"])
def patrol_start(request, pk):
    user = request.user
    team = _team_to_log(request, pk)
    shown = shows_members(user, team)
    form = PatrolStartForm(request.POST or None, team=team, members=_members(team), shown=shown)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            log = services.patrol_start(
                team=team,
                actor=user,
                compounds=data["compounds"],
                members=data["members"],
                area=data["area"],
            )
        except (WorkflowError, ValidationError) as error:
            _refusal(form, error)
        else:
            messages.success(request, _("The patrol has started. End it when you are back."))
            return redirect("patrols:patrol_detail", pk=log.pk)
    return render(request, "patrols/patrol_start.html", {"form": form, "team": team})


def _log_or_404(request, pk, queryset=None) -> PatrolLog:
    queryset = queryset if queryset is not None else PatrolLog.objects.visible_to(request.user)
    return get_visible_or_404(request, queryset, pk=pk)


@login_required
@permission_required("patrols.view_patrollog", raise_exception=True)
@require_GET
def patrol_detail(request, pk):
    user = request.user
    log = _log_or_404(request, pk, s.log_for_detail(user=user))
    shown = shows_members(user, log.team)
    ours = runs_team(user, log.team)
    from communities.privacy import personal_value

    members = [personal_value(m, "name", shown=shown) for m in log.members.all()]
    if shown and members:
        audit.personal_data_viewed(request, target=log, fields=["members"])
    context = {
        "log": log,
        "members": members,
        "findings": list(log.findings.all()),  # the visible ones (``log_for_detail``)
        "compounds": list(log.compounds.all()),
        "ours": ours,
        "end_form": PatrolEndForm(initial={"route": log.route})
        if ours and log.is_open and user.has_perm("patrols.change_patrollog")
        else None,
        "finding_form": FindingForm(log=log)
        if ours and user.has_perm("patrols.add_patrolfinding")
        else None,
    }
    return render(request, "patrols/patrol_detail.html", context)


@login_required
@permission_required("patrols.change_patrollog", raise_exception=True)
@require_POST
def patrol_end(request, pk):
    log = _log_or_404(request, pk)
    if not runs_team(request.user, log.team):
        raise PermissionDenied
    form = PatrolEndForm(request.POST)
    if form.is_valid():
        try:
            services.patrol_end(
                log=log,
                actor=request.user,
                ended_at=form.cleaned_data["ended_at"],
                route=form.cleaned_data["route"],
            )
        except (WorkflowError, ValidationError) as error:
            messages.error(request, getattr(error, "message", None) or "; ".join(error.messages))
        else:
            messages.success(request, _("The patrol has ended."))
    return redirect("patrols:patrol_detail", pk=log.pk)


@login_required
@permission_required("patrols.add_patrolfinding", raise_exception=True)
@require_POST
def patrol_finding_add(request, pk):
    log = _log_or_404(request, pk)
    if not runs_team(request.user, log.team):
        raise PermissionDenied
    form = FindingForm(request.POST, log=log)
    if form.is_valid():
        try:
            _add_finding(log, request.user, form.cleaned_data)
        except (WorkflowError, ValidationError) as error:
            messages.error(request, getattr(error, "message", None) or "; ".join(error.messages))
        else:
            messages.success(request, _("The finding was recorded."))
    else:
        messages.error(request, "; ".join(str(m) for e in form.errors.values() for m in e))
    return redirect("patrols:patrol_detail", pk=log.pk)


BREAKDOWN_MODELS = {COMPOUND: Compound, COMMUNITY: Community, STREET: Street}


def _breakdown_level(user, wanted) -> str:
    """By street for the bureau, by community for a street office, else by compound; another
    level when asked for (``?by=``)."""
    if wanted in BREAKDOWN_MODELS:
        return wanted
    scope = scope_for(user)
    if scope.everything or scope.district_ids:
        return STREET
    if scope.street_ids:
        return COMMUNITY
    return COMPOUND


def _figures(user, filters, wanted) -> dict:
    """The list's figures: totals, per place and per month, from one read of the rows, kept
    per scope and filter (``patrols.list_figures``)."""
    level = _breakdown_level(user, wanted)

    def compute() -> dict:
        logs = s.logs_for_list(user=user, filters=filters)
        rows = patrol_rows(logs, compounds_visible_to(user))
        by_place = figures_by_rows(rows, level)
        names = dict(
            BREAKDOWN_MODELS[level]
            .objects.visible_to(user)
            .filter(pk__in=list(by_place))
            .values_list("pk", "name")
        )
        places = sorted(
            ((names.get(pk, "—"), figures) for pk, figures in by_place.items()),
            key=lambda r: r[0],
        )
        months = sorted(figures_by_rows(rows, ALL, by_month=True).items(), reverse=True)
        return {
            "figures": totals_of(rows),
            "by_place": places,
            "by_month": months,
            "listed": rows.listed,  # the list's length, under way or not
        }

    return {
        **list_figures(user, filters, level, compute),
        "breakdown_level": level,
        "breakdown_levels": [(k, BREAKDOWN_LABELS[k]) for k in BREAKDOWN_MODELS],
    }


BREAKDOWN_LABELS = {
    COMPOUND: _("by compound"),
    COMMUNITY: _("by community"),
    STREET: _("by street"),
}


@login_required
@permission_required("patrols.view_patrollog", raise_exception=True)
@require_GET
def patrol_list(request):
    user = request.user
    form = PatrolFilterForm(request.GET, places=s.filter_places(user, request.GET))
    filters = form.filters()
    figures = _figures(user, filters, request.GET.get("by"))
    page = EstimatedCountPaginator(  # the figures counted the listed logs: no COUNT here
        s.logs_for_page(user=user, filters=filters), LOG_PAGE_SIZE, count=figures["listed"]
    ).get_page(request.GET.get("page"))
    logs = list(page.object_list)
    context = {
        "page": page,
        "logs": logs,
        "filter_form": form,
        "filters": filters,
        "refused_filters": form.refused(),
        **figures,
        "my_teams": list(teams_run_by(user).filter(active=True).order_by("name")[:20])
        if user.has_perm("patrols.add_patrollog")
        else [],
    }
    return render(request, "patrols/patrol_list.html", context)


@login_required
@permission_required("patrols.view_patrolplanslot", raise_exception=True)
@require_GET
def patrol_missed(request):
    """Patrols due and missed in the last 7 or 30 days, for the teams the user sees (the team's
    organisation, the street, the bureau)."""
    user = request.user
    place_form = PatrolFilterForm(
        request.GET, places=s.filter_places(user, request.GET), with_month=False
    )
    teams = s.teams_for_list(user=user, filters=place_form.filters()).filter(active=True)
    offered = s.teams_to_offer(teams, chosen_id=ascii_int(request.GET.get("team")))
    form = MissedFilterForm(request.GET, teams=offered)
    form.is_valid()
    days = form.cleaned_data.get("days") or 7
    team_id = form.cleaned_data.get("team")
    if team_id:
        teams = teams.filter(pk=team_id)
    today = timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    # kept per scope, filters and days until a log, team or plan changes (a province's 14,000
    # windows a week took a quarter of a second); their states are told at each view
    table = kept(
        user,
        "missed",
        (place_form.filters(), team_id, first, today),
        lambda: planned_windows(teams, first, today),
    )
    now = timezone.now()
    missed = table.missed(now)
    shown = missed if form.cleaned_data.get("missed") else range(len(table))
    # A page of windows at a time, each made whole only then: a province's 2,000 teams make
    # 14,000 windows a week, and rendering them all took seconds.
    page = Paginator(shown, DUE_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [table.patrol(n, now) for n in page.object_list]
    context = {
        "window_count": len(shown),
        "page": page,
        "days": days,
        "place_form": place_form,
        "filter_form": form,
        "refused_filters": place_form.refused() + form.refused(),
        "missed_count": len(missed),
        "kept_count": table.kept_count(),
    }
    return render(request, "patrols/patrol_missed.html", context)


urlpatterns = [
    path("patrols/logs/", patrol_list, name="patrol_list"),
    path("patrols/logs/export/", export_begin, {"key": LOGS_EXPORTER_KEY}, name="patrol_export"),
    path("patrols/logs/<int:pk>/", patrol_detail, name="patrol_detail"),
    path("patrols/logs/<int:pk>/end/", patrol_end, name="patrol_end"),
    path("patrols/logs/<int:pk>/finding/", patrol_finding_add, name="patrol_finding_add"),
    path("patrols/teams/<int:pk>/log/", patrol_log_new, name="patrol_log_new"),
    path("patrols/teams/<int:pk>/start/", patrol_start, name="patrol_start"),
    path("patrols/missed/", patrol_missed, name="patrol_missed"),
]
