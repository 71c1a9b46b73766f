"""The actions on a dispute case: POST only, one service each.

Without the permission the answer is 403; a case outside the user's scope is a 404. A refused
action (``WorkflowError``, or a ``ValidationError`` from the model) re-renders the case page
with the error next to that form and what was typed kept; nothing is written.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from disputes import selectors as s
from disputes import services
from disputes.errors import WorkflowError

from .cases import ACTION_FORMS, attach_error, case_or_404, render_case

HANDLE = ("disputes.handle_disputecase",)
# The registrant may withdraw a case or add a party before anyone accepts it (首问负责制).
HANDLE_OR_REGISTER = ("disputes.handle_disputecase", "disputes.add_disputecase")

SUCCESS = {
    s.ACTION_ACCEPT: _("The case is accepted; the leader and handler are told."),
    s.ACTION_SESSION: _("The mediation session is recorded."),
    s.ACTION_RESOLVE: _("The case is resolved."),
    s.ACTION_CLOSE: _("The case is closed unresolved and referred on."),
    s.ACTION_WITHDRAW: _("The case is withdrawn."),
    s.ACTION_ESCALATE: _("The case is escalated; the next level is told."),
    s.ACTION_REASSIGN: _("The leader and handler are changed."),
    s.ACTION_DEADLINE: _("The deadline is changed."),
    s.ACTION_VISIT: _("The return visit is recorded."),
    s.ACTION_PARTY: _("The party is added."),
}


def _act(request, pk: int, *, action: str, perms: tuple[str, ...], run):
    """Check the permission, find the case in scope, check the form, call one service."""
    user = request.user
    if not any(user.has_perm(perm) for perm in perms):
        raise PermissionDenied
    case = case_or_404(request, pk)
    form_class, needs_users = ACTION_FORMS[action]
    kwargs = {"users": list(services.handlers_for(case))} if needs_users else {}
    form = form_class(request.POST, request.FILES, auto_id=f"id_{action}_%s", **kwargs)
    if form.is_valid():
        try:
            run(case, form.cleaned_data)
        except (WorkflowError, ValidationError) as err:
            attach_error(form, err)
        else:
            messages.success(request, SUCCESS[action])
            return redirect("disputes:case_detail", pk=case.pk)
    return render_case(request, case, bound={action: form})


@login_required
@require_POST
def case_accept(request, pk: int):
    return _act(
        request,
        pk,
        action=s.ACTION_ACCEPT,
        perms=HANDLE,
        run=lambda case, d: services.case_accept(
            case=case,
            actor=request.user,
            leader=d["leader"],
            handler=d["handler"],
            plan=d["plan"],
            deadline=d["deadline"],
        ),
    )


@login_required
@require_POST
def case_session(request, pk: int):
    return _act(
        request,
        pk,
        action=s.ACTION_SESSION,
        perms=HANDLE,
        run=lambda case, d: services.session_record(
            case=case,
            actor=request.user,
            held_on=d["held_on"],
            mediators=d["mediators"],
            agreed=d["agreed"],
            attendees=d["attendees"],
        ),
    )


@login_required
@require_POST
def case_resolve(request, pk: int):
    return _act(
        request,
        pk,
        action=s.ACTION_RESOLVE,
        perms=HANDLE,
        run=lambda case, d: services.case_resolve(
            case=case,
            actor=request.user,
            outcome=d["outcome"],
            agreement_reached=d["agreement_reached"],
            agreement_file=d["agreement_file"],
        ),
    )


@login_required
@require_POST
def case_close(request, pk: int):
    return _act(
        request,
        pk,
        action=s.ACTION_CLOSE,
        perms=HANDLE,
        run=lambda case, d: services.case_close_unresolved(
            case=case,
            actor=request.user,
            referred_to=d["referred_to"],
            where=d["where"],
            note=d["note"],
        ),
    )


@login_required
@require_POST
def case_withdraw(request, pk: int):
    return _act(
        request,
        pk,
        action=s.ACTION_WITHDRAW,
        perms=HANDLE_OR_REGISTER,
        run=lambda case, d: services.case_withdraw(
            case=case, actor=request.user, reason=d["reason"]
        ),
    )


@login_required
@require_POST
def case_escalate(request, pk: int):
    return _act(
        request,
        pk,
        action=s.ACTION_ESCALATE,
        perms=HANDLE,
        run=lambda case, d: services.case_escalate(
            case=case, actor=request.user, reason=d["reason"]
        ),
    )


@login_required
@require_POST
def case_reassign(request, pk: int):
    return _act(
        request,
        pk,
        action=s.ACTION_REASSIGN,
        perms=HANDLE,
        run=lambda case, d: services.case_reassign(
            case=case,
            actor=request.user,
            leader=d["leader"],
            handler=d["handler"],
            reason=d["reason"],
        ),
    )


@login_required
@require_POST
def case_deadline(request, pk: int):
    return _act(
        request,
        pk,
        action=s.ACTION_DEADLINE,
        perms=HANDLE,
        run=lambda case, d: services.case_set_deadline(
            case=case, actor=request.user, deadline=d["deadline"], reason=d["reason"]
        ),
    )


@login_required
@require_POST
def case_visit(request, pk: int):
    return _act(
        request,
        pk,
        action=s.ACTION_VISIT,
        perms=HANDLE,
        run=lambda case, d: services.return_visit_record(
            case=case,
            actor=request.user,
            visited_on=d["visited_on"],
            satisfaction=d["satisfaction"],
            note=d["note"],
        ),
    )


@login_required
@require_POST
def case_party(request, pk: int):
    return _act(
        request,
        pk,
        action=s.ACTION_PARTY,
        perms=HANDLE_OR_REGISTER,
        run=lambda case, d: services.party_add(
            case=case,
            actor=request.user,
            role=d["role"],
            name=d["name"],
            phone=d["phone"],
            id_number=d["id_number"],
        ),
    )


urlpatterns = [
    path("disputes/<int:pk>/accept/", case_accept, name="case_accept"),
    path("disputes/<int:pk>/session/", case_session, name="case_session"),
    path("disputes/<int:pk>/resolve/", case_resolve, name="case_resolve"),
    path("disputes/<int:pk>/close/", case_close, name="case_close"),
    path("disputes/<int:pk>/withdraw/", case_withdraw, name="case_withdraw"),
    path("disputes/<int:pk>/escalate/", case_escalate, name="case_escalate"),
    path("disputes/<int:pk>/reassign/", case_reassign, name="case_reassign"),
    path("disputes/<int:pk>/deadline/", case_deadline, name="case_deadline"),
    path("disputes/<int:pk>/visit/", case_visit, name="case_visit"),
    path("disputes/<int:pk>/party/", case_party, name="case_party"),
]
