"""Workbench pages: patrol teams — the list (my teams, and the street's and bureau's list with
filters), a team's page with its members and weekly plan, the team form, adding a member and a
member leaving, the plan editor, and the export.

Reads start from ``visible_to(user)`` (a team outside the scope is a 404); writes call one
service each, which checks that the user runs the team (others only read: 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities import audit
from communities.exports.views import export_begin
from communities.models import Compound
from communities.privacy import personal_value
from communities.scoping import get_visible_or_404
from communities.workflow import WorkflowError
from patrols import services_teams as services
from patrols import team_selectors as s
from patrols.models import PatrolLog, PatrolTeam, TeamMember
from patrols.organisation_choice import organisation_matches
from patrols.team_exporting import TEAMS_EXPORTER_KEY
from patrols.team_forms import MemberForm, PatrolFilterForm, PlanFormSet, TeamForm
from patrols.team_privacy import masked_team, member_data_shown, shows_members

TEAM_PAGE_SIZE = 25


def _refusal(form, error) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            form.add_error(None, message)
    else:
        form.add_error(None, str(error.message))


def _team_or_404(request, pk, queryset=None) -> PatrolTeam:
    return get_visible_or_404(
        request,
        queryset if queryset is not None else PatrolTeam.objects.visible_to(request.user),
        pk=pk,
    )


def _running(request, team) -> None:
    if not services.runs_team(request.user, team):
        raise PermissionDenied


@login_required
@permission_required("patrols.view_patrolteam", raise_exception=True)
@require_GET
def team_list(request):
    user = request.user
    places = s.filter_places(user, request.GET)
    form = PatrolFilterForm(request.GET, places=places, with_month=False)
    filters = form.filters()
    page = Paginator(s.teams_for_page(user=user, filters=filters), TEAM_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    teams = list(page.object_list)
    shown = member_data_shown(user, [t.pk for t in teams])
    if shown:
        audit.personal_data_viewed(
            request, model=PatrolTeam, objects=sorted(shown), fields=["leader_name", "leader_phone"]
        )
    run = set(
        services.teams_run_by(user)
        .filter(pk__in=[t.pk for t in teams])
        .values_list("pk", flat=True)
    )
    for team in teams:
        masked_team(team, team.pk in shown)
        team.is_ours = team.pk in run
    context = {
        "teams": teams,
        "filter_form": form,
        "filters": filters,
        "refused_filters": form.refused(),
        "can_add": user.has_perm("patrols.add_patrolteam")
        and services.organisations_run_by(user).exists(),
        "page": page,
    }
    return render(request, "patrols/team_list.html", context)


@login_required
@permission_required("patrols.view_patrolteam", raise_exception=True)
@require_GET
def team_detail(request, pk):
    user = request.user
    team = _team_or_404(request, pk, s.team_for_detail(user=user, pk=pk))
    shown = shows_members(user, team)
    masked_team(team, shown)
    if shown:
        audit.personal_data_viewed(
            request, target=team, fields=["leader_name", "leader_phone", "members"]
        )
    ours = services.runs_team(user, team)
    recent = (
        PatrolLog.objects.visible_to(user)
        .filter(team=team)
        .prefetch_related(
            Prefetch("compounds", queryset=Compound.objects.visible_to(user).order_by("name"))
        )
        .order_by("-started_at")[:10]
    )
    members = list(team.members.all())
    context = {
        "team": team,
        "members": members,
        "active_members": [m for m in members if m.left_on is None],
        "former_members": [m for m in members if m.left_on is not None],
        "slots": list(team.plan_slots.all()),
        "compounds": list(team.compounds.all()),
        "recent": list(recent),
        "open_log": s.team_open_log(team),
        "ours": ours,
        "member_form": MemberForm() if ours else None,
        "can_log": ours and user.has_perm("patrols.add_patrollog") and team.active,
    }
    return render(request, "patrols/team_detail.html", context)


def _team_form_context(request, form, team=None):
    return {"form": form, "team": team}


@login_required
@permission_required("patrols.add_patrolteam", raise_exception=True)
@require_http_methods(["GET", "POST"])
def team_create(request):
    user = request.user
    organisations = services.organisations_run_by(user).order_by("kind", "name")
    compounds = Compound.objects.visible_to(user).order_by("code")
    form = TeamForm(request.POST or None, organisations=organisations, compounds=compounds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = services.team_create(
                actor=user,
                organisation=data["organisation"],
                kind=data["kind"],
                name=data["name"],
                compounds=data["compounds"],
                leader_name=data["leader_name"],
                leader_phone=data["leader_phone"],
            )
        except (WorkflowError, ValidationError) as error:
            _refusal(form, error)
        else:
            messages.success(request, _("The team was created."))
            return redirect("patrols:team_detail", pk=team.pk)
    return render(request, "patrols/team_form.html", _team_form_context(request, form))


@login_required
@permission_required("patrols.change_patrolteam", raise_exception=True)
@require_http_methods(["GET", "POST"])
def team_edit(request, pk):
    user = request.user
    team = _team_or_404(request, pk)
    _running(request, team)
    compounds = services.compounds_of_organisation(team.organisation).order_by("code")
    initial = {
        "kind": team.kind,
        "name": team.name,
        "compounds": list(team.compounds.all()),
        "active": team.active,
    }
    shown = shows_members(user, team)
    if shown:
        initial.update(leader_name=team.leader_name, leader_phone=team.leader_phone)
    form = TeamForm(
        request.POST or None,
        organisations=None,  # kept: a team's organisation does not change
        compounds=compounds,
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.team_update(
                team=team,
                actor=user,
                kind=data["kind"],
                name=data["name"],
                compounds=data["compounds"],
                # A reader shown the leader masked leaves the fields empty to keep them.
                leader_name=data["leader_name"] or ("" if shown else team.leader_name),
                leader_phone=data["leader_phone"] or ("" if shown else team.leader_phone),
                active=data["active"],
            )
        except (WorkflowError, ValidationError) as error:
            _refusal(form, error)
        else:
            messages.success(request, _("The team was saved."))
            return redirect("patrols:team_detail", pk=team.pk)
    return render(request, "patrols/team_form.html", _team_form_context(request, form, team))


@login_required
@permission_required("patrols.add_teammember", raise_exception=True)
@require_http_methods(["GET", "POST"])
def team_member_add(request, pk):
    team = _team_or_404(request, pk)
    _running(request, team)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_add(
                team=team,
                actor=request.user,
                name=data["name"],
                phone=data["phone"],
                category=data["category"],
                joined_on=data["joined_on"],
            )
        except (WorkflowError, ValidationError) as error:
            _refusal(form, error)
        else:
            messages.success(request, _("The member was added."))
            return redirect("patrols:team_detail", pk=team.pk)
    return render(request, "patrols/team_member_form.html", {"form": form, "team": team})


@login_required
@permission_required("patrols.change_teammember", raise_exception=True)
@require_POST
def team_member_leave(request, pk):
    member = get_visible_or_404(
        request, TeamMember.objects.visible_to(request.user).select_related("team"), pk=pk
    )
    _running(request, member.team)
    try:
        services.member_leave(member=member, actor=request.user, left_on=timezone.localdate())
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        name = personal_value(member, "name", shown=shows_members(request.user, member.team))
        messages.success(request, _("%(name)s has left the team.") % {"name": name})
    return redirect("patrols:team_detail", pk=member.team_id)


@login_required
@permission_required("patrols.change_patrolplanslot", raise_exception=True)
@require_http_methods(["GET", "POST"])
def team_plan(request, pk):
    team = _team_or_404(request, pk)
    _running(request, team)
    initial = [
        {"weekday": slot.weekday, "starts": slot.starts, "ends": slot.ends}
        for slot in team.plan_slots.all()
    ]
    formset = PlanFormSet(request.POST or None, initial=initial, prefix="plan")
    error = ""
    if request.method == "POST" and formset.is_valid():
        windows = [w for w in (form.window() for form in formset.forms) if w]
        try:
            services.plan_slot_set(team=team, actor=request.user, windows=windows)
        except WorkflowError as refusal:
            error = refusal.message
        else:
            messages.success(request, _("The weekly plan was saved."))
            return redirect("patrols:team_detail", pk=team.pk)
    context = {"team": team, "formset": formset, "error": error}
    return render(request, "patrols/team_plan.html", context)


@login_required
@permission_required("patrols.add_patrolteam", raise_exception=True)
@require_GET
def organisation_autocomplete(request):
    """``?q=`` words of an organisation's name. Answers ``{"results": [{"id", "text"}]}``, at
    most 20, from the organisations whose teams the user may run (the new team's "run by" past
    ``ORGANISATION_CHOICES_MAX``)."""
    query = request.GET.get("q", "")
    return JsonResponse({"results": organisation_matches(user=request.user, query=query)})


urlpatterns = [
    path("patrols/teams/", team_list, name="team_list"),
    path(
        "patrols/organisations/autocomplete/",
        organisation_autocomplete,
        name="organisation_autocomplete",
    ),
    path("patrols/teams/new/", team_create, name="team_create"),
    path("patrols/teams/export/", export_begin, {"key": TEAMS_EXPORTER_KEY}, name="team_export"),
    path("patrols/teams/<int:pk>/", team_detail, name="team_detail"),
    path("patrols/teams/<int:pk>/edit/", team_edit, name="team_edit"),
    path("patrols/teams/<int:pk>/members/add/", team_member_add, name="team_member_add"),
    path("patrols/teams/<int:pk>/plan/", team_plan, name="team_plan"),
    path("patrols/members/<int:pk>/leave/", team_member_leave, name="team_member_leave"),
]
