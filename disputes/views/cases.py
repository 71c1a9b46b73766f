"""Workbench pages of dispute cases: the list with its figures, registering, the case page and
its agreement file.

Views stay thin: they check the permission to use the page, read through
``disputes.selectors`` (so anything outside the user's scope is a 404), call one service per
action and render. A refused action shows the service's message and keeps what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from communities.actions import attach_refusal
from communities.compound_choice import several_compounds
from communities.paginators import EstimatedCountPaginator
from communities.scoping import get_visible_or_404
from communities.selectors import compounds_for_filter
from communities.uploads import private_file_response
from communities.validators import ascii_int
from disputes import selectors as s
from disputes import services
from disputes.conflict import in_conflict
from disputes.errors import WorkflowError
from disputes.forms import (
    AcceptForm,
    CaseFilterForm,
    CaseRegisterForm,
    CloseUnresolvedForm,
    DeadlineForm,
    EscalateForm,
    PartyForm,
    PartyFormSet,
    ReassignForm,
    ResolveForm,
    ReturnVisitForm,
    SessionForm,
    WithdrawForm,
)
from disputes.handlers import can_handle, handlers_for
from disputes.list_figures import list_figures
from disputes.privacy import agreement_seen, case_file, case_file_seen, shows_parties
from disputes.workdays import working_days_between

CASE_PAGE_SIZE = 25
PARTY_PREFIX = "parties"

# The action forms on the case page, in the order they are offered.
ACTIONS = [
    # name, title, button, form class, needs the handler choices, has a file
    (s.ACTION_ACCEPT, _("Accept the case (四定)"), _("Accept"), AcceptForm, True, False),
    (s.ACTION_SESSION, _("Record a mediation session"), _("Record"), SessionForm, True, False),
    (s.ACTION_RESOLVE, _("Resolve"), _("Resolve the case"), ResolveForm, False, True),
    (
        s.ACTION_CLOSE,
        _("Close unresolved (refer elsewhere)"),
        _("Close unresolved"),
        CloseUnresolvedForm,
        False,
        False,
    ),
    (s.ACTION_ESCALATE, _("Escalate to the next level"), _("Escalate"), EscalateForm, False, False),
    (
        s.ACTION_REASSIGN,
        _("Change leader or handler"),
        _("Change"),
        ReassignForm,
        True,
        False,
    ),
    (s.ACTION_DEADLINE, _("Change the deadline"), _("Change"), DeadlineForm, False, False),
    (s.ACTION_VISIT, _("Record a return visit (回访)"), _("Record"), ReturnVisitForm, False, False),
    (s.ACTION_PARTY, _("Add a party"), _("Add"), PartyForm, False, False),
    (s.ACTION_WITHDRAW, _("Withdrawn by the parties"), _("Withdraw"), WithdrawForm, False, False),
]
ACTION_FORMS = {name: (form_class, users) for name, _t, _b, form_class, users, _f in ACTIONS}


# The list -------------------------------------------------------------------------------------


@login_required
@permission_required("disputes.view_disputecase", raise_exception=True)
@require_GET
def case_list(request):
    user = request.user
    today = timezone.localdate()
    compounds = compounds_for_filter(user=user)
    filter_form = CaseFilterForm(request.GET, compounds=compounds)
    filters = filter_form.filters()
    # The figures cover the same cases as the list (built once): all the user's cases, or
    # those filtered; their total is the list's count (kept with them for a scope's whole list).
    cases = s.cases_for_page(user=user, filters=filters, today=today)
    figures = list_figures(user, filters, cases.select_related(None).order_by(), today)
    paginator = EstimatedCountPaginator(cases, CASE_PAGE_SIZE, count=figures["total"])
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for case in rows:
        case.overdue = case.is_overdue(today)
    can_handle = user.has_perm("disputes.handle_disputecase")
    context = {
        "page": page,
        "cases": rows,
        "filter_form": filter_form,
        "filters": filters,
        "refused_filters": filter_form.refused(),
        "show_compound_filter": several_compounds(compounds),
        "figures": figures,
        "can_register": user.has_perm("disputes.add_disputecase"),
        "can_handle": can_handle,
        "awaiting_count": s.awaiting_count(user=user) if can_handle else 0,
        "today": today,
    }
    return render(request, "disputes/case_list.html", context)


# Registering a case ---------------------------------------------------------------------------


def _register_initial(request, compounds) -> dict:
    wanted = ascii_int(request.GET.get("compound"))
    initial = {}
    if wanted is not None and compounds.filter(pk=wanted).exists():
        initial["compound"] = wanted
    return initial


@login_required
@permission_required("disputes.add_disputecase", raise_exception=True)
@require_http_methods(["GET", "POST"])
def case_register(request):
    user = request.user
    compounds = s.compounds_for_case_register(user=user)
    levels = services.registration_levels(user)
    if request.method == "POST":
        form = CaseRegisterForm(request.POST, compounds=compounds, levels=levels)
        parties = PartyFormSet(request.POST, prefix=PARTY_PREFIX)
        form_ok, parties_ok = form.is_valid(), parties.is_valid()  # both, for all the errors
        if form_ok and parties_ok:
            data = form.cleaned_data
            try:
                case = services.case_register(
                    actor=user,
                    compound=data["compound"],
                    category=data["category"],
                    source=data["source"],
                    description=data["description"],
                    parties=parties.parties(),
                    level=data["level"],
                    amount=data["amount"],
                    against_company=data["against_company"],
                )
            except (WorkflowError, ValidationError) as err:
                attach_refusal(form, err)
            else:
                messages.success(
                    request,
                    _("Case %(number)s is registered; the organisation at its level is told.")
                    % {"number": case.number},
                )
                return redirect("disputes:case_detail", pk=case.pk)
    else:
        form = CaseRegisterForm(
            initial=_register_initial(request, compounds), compounds=compounds, levels=levels
        )
        parties = PartyFormSet(prefix=PARTY_PREFIX)
    return render(request, "disputes/case_form.html", {"form": form, "parties": parties})


# The case's page ------------------------------------------------------------------------------


def case_or_404(request, pk: int):
    return get_visible_or_404(request, s.cases_for_detail(user=request.user), pk=pk)


def _action_forms(case, offered: set[str], bound: dict, users: list, parties: list) -> list[dict]:
    """The forms to show: those offered in the case's state, and one that came back refused."""
    initial = {
        s.ACTION_ACCEPT: {"deadline": case.deadline},
        s.ACTION_REASSIGN: {"leader": case.leader_id, "handler": case.handler_id},
        s.ACTION_DEADLINE: {"deadline": case.deadline},
        s.ACTION_VISIT: {"visited_on": timezone.localdate()},
        s.ACTION_SESSION: {"held_on": timezone.localdate()},
    }
    shown = []
    for name, title, button, form_class, needs_users, has_file in ACTIONS:
        if name not in offered and name not in bound:
            continue
        form = bound.get(name)
        if form is None:
            kwargs = {"users": users} if needs_users else {}
            form = form_class(auto_id=f"id_{name}_%s", initial=initial.get(name), **kwargs)
        if name == s.ACTION_SESSION:  # the parties as this reader sees them, even on a refusal
            form.set_people(users=users, parties=parties)
        shown.append(
            {
                "name": name,
                "title": title,
                "button": button,
                "form": form,
                "multipart": has_file,
                "url": reverse(f"disputes:case_{name}", args=[case.pk]),
                "open": name in bound,
            }
        )
    return shown


def render_case(request, case, *, bound: dict | None = None):
    """The case page; ``bound`` holds a refused action's form, with its errors and input."""
    user = request.user
    bound = bound or {}
    today = timezone.localdate()
    offered = s.case_actions_for(user=user, case=case, handles=can_handle(user, case))
    needs_users = any(ACTION_FORMS[name][1] for name in offered if name not in bound)
    needs_users = needs_users or s.ACTION_SESSION in bound  # its choices are set again below
    users = list(handlers_for(case)) if needs_users else []
    overdue = case.is_overdue(today)
    days_left = days_late = None
    if case.is_open:
        if overdue:
            days_late = working_days_between(case.deadline, today)
        else:
            days_left = working_days_between(today, case.deadline)
    seen = case_file(user=user, case=case)  # parties and texts masked for this reader
    case_file_seen(request, seen)
    context = {
        "case": case,
        "overdue": overdue,
        "days_left": days_left,
        "days_late": days_late,
        "parties": seen.parties,
        "sessions": seen.sessions,
        "visits": seen.visits,
        "events": seen.events,
        "action_forms": _action_forms(case, offered, bound, users, seen.parties),
        "personal_data_masked": seen.masked,
        "recused": in_conflict(user, case),
    }
    return render(request, "disputes/case_detail.html", context)


@login_required
@permission_required("disputes.view_disputecase", raise_exception=True)
@require_GET
def case_detail(request, pk: int):
    return render_case(request, case_or_404(request, pk))


# The agreement: served through the scope check, never from a public media URL ------------------


@login_required
@permission_required("disputes.view_disputecase", raise_exception=True)
@require_GET
def case_agreement(request, pk: int):
    case = get_visible_or_404(request, s.cases_for_agreement(user=request.user), pk=pk)
    # A signed agreement names the parties with their ID numbers and cannot be masked: only a
    # reader shown the parties in full downloads it (never the company a case concerns: 回避);
    # the case page says so to the others.
    if not shows_parties(request.user, case):
        raise PermissionDenied
    agreement_seen(request, case)
    return private_file_response(case.agreement_file, filename_stem=case.number)


urlpatterns = [
    path("disputes/", case_list, name="case_list"),
    path("disputes/new/", case_register, name="case_register"),
    path("disputes/<int:pk>/", case_detail, name="case_detail"),
    path("disputes/<int:pk>/agreement/", case_agreement, name="agreement"),
]
