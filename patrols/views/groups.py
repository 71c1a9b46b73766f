"""Workbench pages of household-watch groups (十户联防组): the list of compounds with their
coverage, a compound's groups, a group, forming and changing a group, and "propose groups".

Views stay thin: they read through ``patrols.group_selectors`` (anything outside the user's
scope is a 404), call one service of ``patrols.watch_groups`` and render. A refused save shows
the service's message and keeps what was chosen.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities import audit
from communities.exports.views import export_begin
from communities.list_filters import compound_list_filters
from communities.models import Compound
from communities.privacy import can_see_personal_data, mask_instance
from communities.scoping import compounds_visible_to, get_visible_or_404
from communities.workflow import WorkflowError

from .. import group_selectors as selectors
from .. import watch_groups as services
from ..coverage import watch_group_coverage
from ..group_exporting import EXPORTER_KEY
from ..group_forms import GroupForm, ProposalForm
from ..list_figures import kept
from ..models import WatchGroup
from ..proposal import pack, ungrouped_households

PAGE_SIZE = 25
VIEW = "patrols.view_watchgroup"
ADD = "patrols.add_watchgroup"
CHANGE = "patrols.change_watchgroup"
LEADER_FIELDS = ("leader_name", "leader_phone")


def _show_leaders(request, groups) -> bool:
    """Leaders' names and phones in full for a role that may see personal data (recorded in
    the audit trail), masked for anyone else."""
    shown = can_see_personal_data(request.user)
    if shown and groups:
        audit.personal_data_viewed(
            request, model=WatchGroup, objects=[g.pk for g in groups], fields=LEADER_FIELDS
        )
    if not shown:
        for group in groups:
            mask_instance(group)
    return shown


def _compound(request, code: str) -> Compound:
    return get_visible_or_404(request, compounds_visible_to(request.user), code=code)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def group_list(request):
    """The user's compounds with their watch-group coverage, and the coverage of them all."""
    user = request.user
    filters = compound_list_filters(user, request.GET)
    listed = filters.compounds(user)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "compounds": selectors.annotate_compounds(list(page.object_list)),
        "coverage": kept(
            user,
            "groups",
            (filters.search, filters.street_id, filters.community_id),
            lambda: watch_group_coverage(listed),
        ),
        **filters.context(),
    }
    return render(request, "patrols/groups/list.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def group_compound(request, code: str):
    """A compound's groups with their households, and what is left to group."""
    user = request.user
    compound = _compound(request, code)
    groups = selectors.groups_of_compound(user=user, compound=compound)
    dissolved = selectors.groups_of_compound(user=user, compound=compound, dissolved=True)
    context = {
        "compound": compound,
        "groups": groups,
        "dissolved": dissolved,
        "leaders_shown": _show_leaders(request, groups + dissolved),
        "coverage": watch_group_coverage(Compound.objects.filter(pk=compound.pk)),
        "ungrouped": len(ungrouped_households(compound)),
        "can_add": user.has_perm(ADD),
    }
    return render(request, "patrols/groups/compound.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def group_detail(request, pk: int):
    group = get_visible_or_404(request, selectors.groups_for_detail(user=request.user), pk=pk)
    context = {
        "group": group,
        "members": selectors.group_members(group),
        "leaders_shown": _show_leaders(request, [group]),
        "can_change": request.user.has_perm(CHANGE) and group.is_active,
    }
    return render(request, "patrols/groups/detail.html", context)


@login_required
@permission_required(ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def group_new(request, code: str):
    compound = _compound(request, code)
    households = selectors.households_for_group(compound)
    form = GroupForm(request.POST or None, households=households)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(
                actor=request.user,
                compound=compound,
                spec=form.spec(),
                formed_on=form.cleaned_data["formed_on"],
            )
        except WorkflowError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request, _("Watch group %(number)s is formed.") % {"number": group.number}
            )
            return redirect("patrols:group_detail", pk=group.pk)
    context = {"compound": compound, "form": form, "group": None}
    return render(request, "patrols/groups/form.html", context)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def group_edit(request, pk: int):
    group = get_visible_or_404(request, selectors.groups_for_detail(user=request.user), pk=pk)
    households = selectors.households_for_group(group.compound, group)
    initial = {
        "number": group.number,
        "kind": group.kind,
        "households": [m.household_id for m in group.memberships.current()],
        "leader": group.leader_id,
    }
    form = GroupForm(request.POST or None, households=households, with_date=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(actor=request.user, group=group, spec=form.spec())
        except WorkflowError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request, _("Watch group %(number)s is saved.") % {"number": group.number}
            )
            return redirect("patrols:group_detail", pk=group.pk)
    context = {"compound": group.compound, "form": form, "group": group}
    return render(request, "patrols/groups/form.html", context)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def group_dissolve(request, pk: int):
    group = get_visible_or_404(request, selectors.groups_for_detail(user=request.user), pk=pk)
    try:
        services.group_dissolve(actor=request.user, group=group)
    except WorkflowError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("Watch group %(number)s is dissolved.") % {"number": group.number}
        )
    return redirect("patrols:group_detail", pk=group.pk)


@login_required
@permission_required(ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def group_propose(request, code: str):
    """Neighbouring households in groups of about ten, to review, change and save at once."""
    compound = _compound(request, code)
    buildings = selectors.buildings_of(compound)
    building = request.GET.get("building", "")
    building = building if building in buildings else ""
    households = ungrouped_households(compound, building or None)
    proposal = pack(households)
    initial = {h.pk: str(n) for n, group in enumerate(proposal, start=1) for h in group}
    form = ProposalForm(
        request.POST or None,
        households=households,
        groups=len(proposal),
        initial_groups=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = services.groups_create(
                actor=request.user,
                compound=compound,
                specs=form.specs(),
                formed_on=form.cleaned_data["formed_on"],
            )
        except WorkflowError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request, _("%(count)s watch groups are formed.") % {"count": len(made)}
            )
            return redirect("patrols:group_compound", code=compound.code)
    context = {
        "compound": compound,
        "form": form,
        "proposal": proposal,
        "buildings": buildings,
        "building": building,
        "households": households,
    }
    return render(request, "patrols/groups/propose.html", context)


urlpatterns = [
    path("watch-groups/", group_list, name="group_list"),
    path("watch-groups/export/", export_begin, {"key": EXPORTER_KEY}, name="group_export"),
    path("watch-groups/compound/<str:code>/", group_compound, name="group_compound"),
    path("watch-groups/compound/<str:code>/new/", group_new, name="group_new"),
    path("watch-groups/compound/<str:code>/propose/", group_propose, name="group_propose"),
    path("watch-groups/<int:pk>/", group_detail, name="group_detail"),
    path("watch-groups/<int:pk>/edit/", group_edit, name="group_edit"),
    path("watch-groups/<int:pk>/dissolve/", group_dissolve, name="group_dissolve"),
]
