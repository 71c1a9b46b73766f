"""Workbench pages of self-checks and supervision inspections: the lists, the check page, and
one POST URL per action.

Views stay thin: they read input with a form, find objects through the selectors (an object
outside the user's scope is a 404), call one service and show its ``WorkflowError`` message.
With htmx an item's answer and evidence are saved as the manager goes and only the item's
status, evidence and the score are sent back; without JavaScript every form is a normal POST
that redirects back to the check.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from communities.actions import Action, RecordActions, refusal_text
from communities.activities.selectors import activities_for_evidence
from communities.paginators import EstimatedCountPaginator
from communities.scoping import get_visible_or_404
from communities.uploads import private_file_response
from inspections import services
from inspections.default_template import LEGAL_EDUCATION_ITEM
from inspections.errors import SubmissionBlocked, WorkflowError
from inspections.forms.checks import (
    AnswerForm,
    ApproveForm,
    CheckFilterForm,
    EvidenceForm,
    OpenCheckForm,
    ReopenForm,
    ReturnForm,
)
from inspections.list_figures import tab_counts
from inspections.models import Answer, Inspection, InspectionKind
from inspections.periods import month_start
from inspections.selectors import checks as sel
from inspections.selectors.hazards import hazards_unverified_for

LIST_PAGE_SIZE = 25
VIEW = "inspections.view_inspection"
FILL = ("inspections.change_inspection", "inspections.supervise_inspection")
REVIEW = "inspections.review_inspection"
REOPEN = "inspections.reopen_inspection"


def _require_perm(user, *perms: str) -> None:
    """The role may do this at all (403 otherwise); the services check the rest."""
    if not any(user.has_perm(p) for p in perms):
        raise PermissionDenied


def _detail_url(inspection_id: int, anchor: str = "") -> str:
    url = reverse("inspections:inspection_detail", args=[inspection_id])
    return f"{url}#{anchor}" if anchor else url


def _item_anchor(answer: Answer) -> str:
    return f"item-{answer.item.code}"


# The lists -------------------------------------------------------------------------------------


def _list_filters(request, compounds) -> tuple[CheckFilterForm, dict]:
    """The month and compound the lists are narrowed to (an invalid choice narrows nothing)."""
    form = CheckFilterForm(request.GET or None, compounds=compounds)
    narrow = {"month": None, "compound_id": None}
    if form.is_valid():
        compound = form.cleaned_data["compound"]
        narrow = {"month": form.cleaned_data["month"], "compound_id": compound and compound.pk}
    return form, narrow


def _start_forms(user, compounds, today) -> dict:
    """The forms that open a self-check or start a supervision, for those who may."""
    initial = {"month": month_start(today)}
    forms = {"open_form": None, "supervise_form": None}
    if user.has_perm("inspections.add_inspection"):
        forms["open_form"] = OpenCheckForm(compounds=compounds, initial=initial, auto_id="open_%s")
    if user.has_perm("inspections.supervise_inspection"):
        forms["supervise_form"] = OpenCheckForm(
            compounds=compounds, initial=initial, auto_id="supervise_%s"
        )
    return forms


@login_required
@require_GET
def check_list(request):
    user = request.user
    _require_perm(user, VIEW)
    today = timezone.localdate()
    tabs = sel.check_tabs_for(user=user)
    tab = request.GET.get("list") if request.GET.get("list") in tabs else tabs[0]
    compounds = sel.compounds_for_checks(user=user)
    filters, narrow = _list_filters(request, compounds)
    rows = sel.checks_in_tab(user=user, tab=tab, today=today, **narrow)
    counts = tab_counts(
        user,
        (tabs, today, narrow["month"], narrow["compound_id"]),
        lambda: sel.check_tab_counts(user=user, tabs=tabs, today=today, **narrow),
    )
    # Compounds still without the month's self-check: the manager opens it from "to do"; after
    # the due day everyone sees them among the overdue.
    period = sel.not_opened_period(tab=tab, month=narrow["month"], today=today)
    not_opened = None
    if period is not None:
        missing = sel.compounds_without_self_check(
            user=user, period=period, compound_id=narrow["compound_id"]
        )
        not_opened = Paginator(missing, LIST_PAGE_SIZE).get_page(request.GET.get("npage"))
    labels = sel.tab_labels(user=user)
    # the tab's count is the list's length: no COUNT of its own
    page = EstimatedCountPaginator(rows, LIST_PAGE_SIZE, count=counts[tab]).get_page(
        request.GET.get("page")
    )
    page.object_list = sel.with_failed_vetoes(page.object_list)
    context = {
        "tabs": [(t, labels[t], counts[t]) for t in tabs],
        "attention_tabs": (sel.TAB_RETURNED, sel.TAB_OVERDUE, sel.TAB_REVIEW),
        "tab": tab,
        "tab_label": labels[tab],
        "due_day": settings.INSPECTION_DUE_DAY,
        "filters": filters,
        "is_filtered": any(narrow.values()),
        "page": page,
        "not_opened": not_opened,
        "not_opened_period": period,
        "can_open": user.has_perm("inspections.add_inspection"),
        **_start_forms(user, compounds, today),
    }
    return render(request, "inspections/check_list.html", context)


def _start(request, open_service, kind_label):
    """Open a check by hand (a self-check or a supervision) and go to it."""
    form = OpenCheckForm(request.POST, compounds=sel.compounds_for_checks(user=request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("inspections:check_list")
    try:
        inspection = open_service(
            compound=form.cleaned_data["compound"],
            period=form.cleaned_data["month"],
            actor=request.user,
        )
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("inspections:check_list")
    messages.success(request, kind_label)
    return redirect(_detail_url(inspection.pk))


@login_required
@require_POST
def inspection_open(request):
    _require_perm(request.user, "inspections.add_inspection")
    return _start(request, services.inspection_open, _("The self-check is open."))


@login_required
@require_POST
def supervision_open(request):
    _require_perm(request.user, "inspections.supervise_inspection")
    return _start(request, services.supervision_open, _("The supervision inspection is open."))


# The check page --------------------------------------------------------------------------------


def _detail_context(request, inspection: Inspection, **overrides) -> dict:
    """Everything the check page shows. ``overrides`` may carry bound forms (kept with what
    the user typed after a refused action): ``answer_forms`` by answer id, ``return_form``,
    ``approve_form``, ``reopen_form``, ``submit_error`` and ``submit_blocked`` (a refused
    submission naming its items)."""
    user = request.user
    answers = sel.check_answers(inspection=inspection)
    editable = sel.may_edit(user=user, inspection=inspection)
    reviewable = sel.may_review(user=user, inspection=inspection)
    bound = overrides.pop("answer_forms", {})
    previous, previous_answers = sel.previous_self_check(user=user, inspection=inspection)
    return_form = overrides.pop("return_form", None)
    if reviewable and return_form is None:
        return_form = ReturnForm(answers=answers)
    for answer in answers:
        if editable:
            answer.form = bound.get(answer.pk) or AnswerForm(answer=answer)
            answer.evidence_form = EvidenceForm(answer=answer)
        answer.previous = previous_answers.get(answer.item.code)
        if return_form is not None:
            answer.return_field = return_form.bound_item_field(answer)
    _attach_activities(user, inspection, answers)
    refused_forms = frozenset(pk for pk, form in bound.items() if form.errors)
    context = {
        "inspection": inspection,
        "answers": answers,
        "sections": sel.check_sections(answers, bound_errors=refused_forms),
        "progress": sel.check_progress(answers, inspection.template),
        "editable": editable,
        "reviewable": reviewable,
        "reopenable": sel.may_reopen(user=user, inspection=inspection),
        "can_raise_hazard": sel.may_raise_hazard(user=user),
        "is_supervision": inspection.kind == InspectionKind.SUPERVISION,
        "previous": previous,
        "hazards": list(hazards_unverified_for(user=user, compound=inspection.compound)),
        "events": sel.check_events(inspection=inspection),
        "return_form": return_form,
        "approve_form": overrides.pop("approve_form", None) or ApproveForm(),
        "reopen_form": overrides.pop("reopen_form", None) or ReopenForm(),
    }
    context.update(overrides)
    return context


def _attach_activities(user, inspection: Inspection, answers) -> None:
    """Beside the 法制教育好 item: the month's legal-education activities of the compound and
    its community (``communities.activities``, one query), as evidence the reviewer can see."""
    items = [a for a in answers if a.item.code == LEGAL_EDUCATION_ITEM]
    if not items:
        return
    activities = activities_for_evidence(
        user=user, compound=inspection.compound, month=inspection.period
    )
    for answer in items:
        answer.shows_activities = True
        answer.activities = activities


def _render_detail(request, inspection: Inspection, **overrides):
    context = _detail_context(request, inspection, **overrides)
    return render(request, "inspections/inspection_detail.html", context)


def _visible_check(request, pk: int) -> Inspection:
    return get_visible_or_404(request, sel.checks_for_detail(user=request.user), pk=pk)


@login_required
@require_GET
def inspection_detail(request, pk: int):
    _require_perm(request.user, VIEW)
    return _render_detail(request, _visible_check(request, pk))


@login_required
@require_GET
def inspection_print(request, pk: int):
    """The check laid out on A4 for the paper archive (the browser's print makes the PDF):
    every item with its answer, remark and photos, the score and why, who submitted and who
    reviewed it. Read like the check page: in scope or 404."""
    _require_perm(request.user, VIEW)
    inspection = _visible_check(request, pk)
    answers = sel.check_answers(inspection=inspection)
    context = {
        "inspection": inspection,
        "sections": sel.check_sections(answers),
        "progress": sel.check_progress(answers, inspection.template),
        "events": sel.check_events(inspection=inspection),
        "printed_at": timezone.localtime(),
    }
    return render(request, "inspections/inspection_print.html", context)


# Answers and evidence (htmx or plain POST) -----------------------------------------------------


def _item_response(
    request, answer_id: int, inspection_id: int, *, form=None, error="", evidence=False
):
    """What an htmx request gets back: the item's status, the score and (after an upload or a
    removal) its evidence. The answer's own inputs are never sent back, so nothing the manager
    is typing is replaced."""
    inspection = _visible_check(request, inspection_id)
    answers = sel.check_answers(inspection=inspection)
    answer = next(a for a in answers if a.pk == answer_id)
    answer.evidence_form = EvidenceForm(answer=answer)
    section = next(s for s in sel.check_sections(answers) if s.section.pk == answer.item.section_id)
    context = {
        "inspection": inspection,
        "answer": answer,
        "group": section,
        "form": form,
        "error": error,
        "saved": not error and not (form is not None and form.errors),
        "editable": sel.may_edit(user=request.user, inspection=inspection),
        "can_raise_hazard": sel.may_raise_hazard(user=request.user),
        "progress": sel.check_progress(answers, inspection.template),
        "evidence_changed": evidence,
    }
    return render(request, "inspections/partials/answer_update.html", context)


@login_required
@require_POST
def answer_save(request, pk: int):
    """Save one item's answer (and rescore the check)."""
    _require_perm(request.user, *FILL)
    answer = get_visible_or_404(request, sel.answers_for_edit(user=request.user), pk=pk)
    form = AnswerForm(request.POST, answer=answer)
    error = ""
    if form.is_valid():
        try:
            services.answer_save(answer=answer, actor=request.user, **form.service_kwargs())
        except WorkflowError as refused:
            error = refused.message
    if request.htmx:
        return _item_response(request, answer.pk, answer.inspection_id, form=form, error=error)
    if form.is_valid() and not error:
        messages.success(request, _("Saved: %(code)s") % {"code": answer.item.code})
        return redirect(_detail_url(answer.inspection_id, _item_anchor(answer)))
    if error:
        messages.error(request, error)
    inspection = _visible_check(request, answer.inspection_id)
    return _render_detail(request, inspection, answer_forms={answer.pk: form})


@login_required
@require_POST
def evidence_add(request, pk: int):
    """Attach a photo or PDF to an item."""
    _require_perm(request.user, *FILL)
    answer = get_visible_or_404(request, sel.answers_for_edit(user=request.user), pk=pk)
    form = EvidenceForm(request.POST, request.FILES, answer=answer)
    error = ""
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.evidence_add(
                answer=answer,
                actor=request.user,
                upload=upload,
                content_type=upload.checked_content_type,
            )
        except WorkflowError as refused:
            error = refused.message
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if request.htmx:
        return _item_response(request, answer.pk, answer.inspection_id, error=error, evidence=True)
    if error:
        messages.error(request, f"{answer.item.code}: {error}")
    else:
        messages.success(request, _("Evidence added to %(code)s.") % {"code": answer.item.code})
    return redirect(_detail_url(answer.inspection_id, _item_anchor(answer)))


@login_required
@require_POST
def evidence_remove(request, pk: int):
    _require_perm(request.user, *FILL)
    evidence = get_visible_or_404(request, sel.evidence_for(user=request.user), pk=pk)
    answer = sel.answers_for_edit(user=request.user).get(pk=evidence.answer_id)
    error = ""
    try:
        services.evidence_remove(evidence=evidence, actor=request.user)
    except WorkflowError as refused:
        error = refused.message
    if request.htmx:
        return _item_response(request, answer.pk, answer.inspection_id, error=error, evidence=True)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Evidence removed from %(code)s.") % {"code": answer.item.code})
    return redirect(_detail_url(answer.inspection_id, _item_anchor(answer)))


@login_required
@require_GET
def evidence_file(request, pk: int):
    """The evidence file itself, only to those who may see its check (never a public URL)."""
    _require_perm(request.user, VIEW)
    evidence = get_visible_or_404(request, sel.evidence_for(user=request.user), pk=pk)
    return private_file_response(evidence.file, filename_stem=Path(evidence.original_name).stem)


@login_required
@require_GET
def evidence_thumbnail(request, pk: int):
    _require_perm(request.user, VIEW)
    evidence = get_visible_or_404(request, sel.evidence_for(user=request.user), pk=pk)
    return private_file_response(evidence.thumbnail, allow_prefix="image/")


# Submit, review, reopen ------------------------------------------------------------------------


@login_required
@require_POST
def inspection_submit(request, pk: int):
    """Submit in two steps. A POST without ``confirmed=yes`` submits nothing: it shows what
    still stops the submission (each item a link to it) or, if nothing does, asks the user to
    confirm (in the page with htmx, on a page of its own without JavaScript). Only the
    confirming POST calls ``inspection_submit``, which checks everything again."""
    _require_perm(request.user, *FILL)
    inspection = _visible_check(request, pk)
    confirmed = request.POST.get("confirmed") == "yes"
    try:
        if confirmed:
            services.inspection_submit(inspection=inspection, actor=request.user)
        else:
            services.inspection_submit_precheck(inspection=inspection, actor=request.user)
    except WorkflowError as refused:
        return _submit_refused(request, inspection, refused)
    if not confirmed:
        return _submit_confirmation(request, inspection)
    if inspection.kind == InspectionKind.SUPERVISION:
        messages.success(request, _("The supervision inspection is complete."))
    else:
        messages.success(request, _("Submitted. The street office will review it."))
    if request.htmx:
        return HttpResponseClientRedirect(_detail_url(pk))
    return redirect(_detail_url(pk))


def _submit_refused(request, inspection: Inspection, refused: WorkflowError):
    refusal = {
        "submit_error": refused.message,
        "submit_blocked": refused if isinstance(refused, SubmissionBlocked) else None,
    }
    if request.htmx:
        return render(request, "inspections/partials/submit_result.html", refusal)
    return _render_detail(request, inspection, **refusal)


def _submit_confirmation(request, inspection: Inspection):
    answers = sel.check_answers(inspection=inspection)
    context = {
        "inspection": inspection,
        "progress": sel.check_progress(answers, inspection.template),
        "is_supervision": inspection.kind == InspectionKind.SUPERVISION,
        "confirm": True,
    }
    if request.htmx:
        return render(request, "inspections/partials/submit_result.html", context)
    return render(request, "inspections/inspection_submit_confirm.html", context)


def _render_refused(request, inspection, name, form, refusal):
    if refusal is not None:
        messages.error(request, refusal_text(refusal))
    return _render_detail(request, inspection, **{f"{name}_form": form})


CHECK_ACTIONS = RecordActions(
    record="inspection",
    prefix="inspections",
    lookup=_visible_check,
    render=_render_refused,
    detail_url=lambda inspection: _detail_url(inspection.pk),
    actions=(
        Action(
            name="approve",
            perms=(REVIEW,),
            success=gettext_lazy("Approved."),
            form_class=ApproveForm,
            run=lambda inspection, actor, form: services.inspection_approve(
                inspection=inspection, actor=actor, comment=form.cleaned_data["comment"]
            ),
        ),
        Action(
            name="return",
            perms=(REVIEW,),
            success=gettext_lazy("Returned to the property company."),
            form_class=ReturnForm,
            # a comment on each item that must change (the service wants at least one)
            form_kwargs=lambda inspection: {"answers": sel.check_answers(inspection=inspection)},
            run=lambda inspection, actor, form: services.inspection_return(
                inspection=inspection,
                actor=actor,
                item_comments=form.item_comments(),
                comment=form.cleaned_data["comment"],
            ),
        ),
        Action(
            name="reopen",
            perms=(REOPEN,),
            success=gettext_lazy("Reopened."),
            form_class=ReopenForm,
            run=lambda inspection, actor, form: services.inspection_reopen(
                inspection=inspection, actor=actor, reason=form.cleaned_data["reason"]
            ),
        ),
    ),
)


urlpatterns = [
    path("inspections/", check_list, name="check_list"),
    path("inspections/open/", inspection_open, name="inspection_open"),
    path("inspections/supervision/open/", supervision_open, name="supervision_open"),
    path("inspections/<int:pk>/", inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/print/", inspection_print, name="inspection_print"),
    path("inspections/<int:pk>/submit/", inspection_submit, name="inspection_submit"),
    *CHECK_ACTIONS.urlpatterns(),
    path("inspections/answers/<int:pk>/", answer_save, name="answer_save"),
    path("inspections/answers/<int:pk>/evidence/", evidence_add, name="evidence_add"),
    path("inspections/evidence/<int:pk>/", evidence_file, name="evidence_file"),
    path(
        "inspections/evidence/<int:pk>/thumbnail/",
        evidence_thumbnail,
        name="evidence_thumbnail",
    ),
    path("inspections/evidence/<int:pk>/remove/", evidence_remove, name="evidence_remove"),
]
