"""The actions on a dispute case: POST only, one service each, as a table
(``communities.actions``: 403 without the permission, 404 outside the scope, a refusal shown
next to the form with what was typed kept, nothing written)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities.actions import Action, RecordActions, attach_refusal
from disputes import selectors as s
from disputes import services
from disputes.handlers import handlers_for
from disputes.models import Party

from .cases import ACTION_FORMS, case_or_404, render_case

HANDLE = ("disputes.handle_disputecase",)
# The registrant may withdraw a case or add a party before anyone accepts it (首问负责制).
HANDLE_OR_REGISTER = ("disputes.handle_disputecase", "disputes.add_disputecase")


def _handlers(case) -> dict:
    return {"users": list(handlers_for(case))}


def _people(case) -> dict:
    """A session's choices: the people working on the case and its own parties."""
    return {**_handlers(case), "parties": list(Party.objects.filter(case=case).order_by("pk"))}


def _render(request, case, name, form, refusal):
    attach_refusal(form, refusal)
    return render_case(request, case, bound={name: form})


def _action(name: str, perms, success, run, form_kwargs=None) -> Action:
    form_class, needs_users = ACTION_FORMS[name]
    return Action(
        name=name,
        perms=perms,
        run=lambda case, actor, form: run(case, actor, form.cleaned_data),
        success=success,
        form_class=form_class,
        form_kwargs=form_kwargs or (_handlers if needs_users else None),
    )


CASE_ACTIONS = RecordActions(
    record="case",
    prefix="disputes",
    lookup=case_or_404,
    render=_render,
    detail_url=lambda case: reverse("disputes:case_detail", args=[case.pk]),
    actions=(
        _action(
            s.ACTION_ACCEPT,
            HANDLE,
            _("The case is accepted; the leader and handler are told."),
            lambda case, actor, d: services.case_accept(
                case=case,
                actor=actor,
                leader=d["leader"],
                handler=d["handler"],
                plan=d["plan"],
                deadline=d["deadline"],
            ),
        ),
        _action(
            s.ACTION_SESSION,
            HANDLE,
            _("The mediation session is recorded."),
            lambda case, actor, d: services.session_record(
                case=case,
                actor=actor,
                held_on=d["held_on"],
                mediators=d["mediators"],
                agreed=d["agreed"],
                parties_present=d["parties_present"],
                staff_present=d["staff_present"],
                other_attendees=d["other_attendees"],
            ),
            form_kwargs=_people,
        ),
        _action(
            s.ACTION_RESOLVE,
            HANDLE,
            _("The case is resolved."),
            lambda case, actor, d: services.case_resolve(
                case=case,
                actor=actor,
                outcome=d["outcome"],
                agreement_reached=d["agreement_reached"],
                agreement_file=d["agreement_file"],
            ),
        ),
        _action(
            s.ACTION_CLOSE,
            HANDLE,
            _("The case is closed unresolved and referred on."),
            lambda case, actor, d: services.case_close_unresolved(
                case=case,
                actor=actor,
                referred_to=d["referred_to"],
                where=d["where"],
                note=d["note"],
            ),
        ),
        _action(
            s.ACTION_WITHDRAW,
            HANDLE_OR_REGISTER,
            _("The case is withdrawn."),
            lambda case, actor, d: services.case_withdraw(
                case=case, actor=actor, reason=d["reason"]
            ),
        ),
        _action(
            s.ACTION_ESCALATE,
            HANDLE,
            _("The case is escalated; the next level is told."),
            lambda case, actor, d: services.case_escalate(
                case=case, actor=actor, reason=d["reason"]
            ),
        ),
        _action(
            s.ACTION_REASSIGN,
            HANDLE,
            _("The leader and handler are changed."),
            lambda case, actor, d: services.case_reassign(
                case=case,
                actor=actor,
                leader=d["leader"],
                handler=d["handler"],
                reason=d["reason"],
            ),
        ),
        _action(
            s.ACTION_DEADLINE,
            HANDLE,
            _("The deadline is changed."),
            lambda case, actor, d: services.case_set_deadline(
                case=case, actor=actor, deadline=d["deadline"], reason=d["reason"]
            ),
        ),
        _action(
            s.ACTION_VISIT,
            HANDLE,
            _("The return visit is recorded."),
            lambda case, actor, d: services.return_visit_record(
                case=case,
                actor=actor,
                visited_on=d["visited_on"],
                satisfaction=d["satisfaction"],
                note=d["note"],
            ),
        ),
        _action(
            s.ACTION_PARTY,
            HANDLE_OR_REGISTER,
            _("The party is added."),
            lambda case, actor, d: services.party_add(
                case=case,
                actor=actor,
                role=d["role"],
                name=d["name"],
                phone=d["phone"],
                id_number=d["id_number"],
            ),
        ),
    ),
)

urlpatterns = CASE_ACTIONS.urlpatterns()
