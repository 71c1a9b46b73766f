"""Workbench pages of hazards (隐患) and their rectification (整改).

Views stay thin: they check the permission to use the page, read through
``inspections.selectors`` (so anything outside the user's scope is a 404), call one service per
action and render. A refused action shows the service's message and keeps what was typed.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from communities.actions import Action, RecordActions, refusal_text
from communities.compound_choice import several_compounds
from communities.paginators import EstimatedCountPaginator
from communities.scoping import get_visible_or_404
from communities.selectors import compounds_for_filter
from communities.uploads import private_file_response
from communities.validators import ascii_int
from inspections import services
from inspections.errors import WorkflowError
from inspections.forms.hazards import (
    HazardFilterForm,
    HazardRaiseForm,
    HazardRectifyForm,
    HazardRejectForm,
    HazardVerifyForm,
)
from inspections.list_figures import list_figures
from inspections.selectors import hazards as selectors
from inspections.selectors.key_management import compound_ids_under_key_management

HAZARD_PAGE_SIZE = 25
DEFAULT_DEADLINE_DAYS = 7


# The list ------------------------------------------------------------------------------------


@login_required
@permission_required("inspections.view_hazard", raise_exception=True)
@require_GET
def hazard_list(request):
    user = request.user
    today = timezone.localdate()
    compounds = compounds_for_filter(user=user)
    filter_form = HazardFilterForm(request.GET, compounds=compounds)
    filters = filter_form.filters()
    # The figures cover the same hazards as the list: all the user's, or those filtered; their
    # total is the list's count (kept with them for a scope's whole list).
    listed = selectors.hazards_filtered(user=user, filters=filters, today=today)
    figures = list_figures(user, filters, listed, today)
    hazards = selectors.hazards_for_list(user=user, filters=filters, today=today)
    paginator = EstimatedCountPaginator(hazards, HAZARD_PAGE_SIZE, count=figures["total"])
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for hazard in rows:
        hazard.overdue = hazard.is_overdue(today)
    context = {
        "page": page,
        "hazards": rows,
        "filter_form": filter_form,
        "filters": filters,
        "refused_filters": filter_form.refused(),
        "figures": figures,
        "show_compound_filter": several_compounds(compounds),
        "key_management_ids": compound_ids_under_key_management(user=user),
        "can_raise": user.has_perm("inspections.add_hazard"),
        "today": today,
    }
    return render(request, "inspections/hazard_list.html", context)


# Raising a hazard ----------------------------------------------------------------------------


def _answer_from_query(request):
    """The failed item (``?answer=<id>``) the hazard is raised from; 404 if not the user's."""
    raw = request.GET.get("answer")
    if raw is None:
        return None
    pk = ascii_int(raw)
    if pk is None:
        raise Http404
    answer = selectors.answer_for_hazard(user=request.user, pk=pk)
    if answer is None:
        raise Http404
    return answer


def _raise_initial(request, compounds, answer) -> dict:
    today = timezone.localdate()
    initial = {"deadline": today + datetime.timedelta(days=DEFAULT_DEADLINE_DAYS)}
    chosen = None
    if answer is not None:
        chosen = answer.inspection.compound
        item = answer.item
        initial["description"] = f"{item.code} {item.title}：{answer.comment}".rstrip("：")
    else:
        wanted = ascii_int(request.GET.get("compound"))
        chosen = compounds.filter(pk=wanted).first() if wanted is not None else None
        if chosen is None and not several_compounds(compounds):
            chosen = compounds.first()
        if chosen is not None:
            initial["compound"] = chosen.pk
    if chosen is not None:
        initial["responsible_party"] = selectors.current_company_name(compound=chosen)
    return initial


@login_required
@permission_required("inspections.add_hazard", raise_exception=True)
@require_http_methods(["GET", "POST"])
def hazard_new(request):
    """Raise a hazard on its own, or from a failed item of an inspection (``?answer=<id>``)."""
    user = request.user
    answer = _answer_from_query(request)
    fixed_compound = answer.inspection.compound if answer is not None else None
    queryset = selectors.compounds_for_hazard_raise(user=user)
    if request.method == "POST":
        form = HazardRaiseForm(
            request.POST, request.FILES, compounds=queryset, fixed_compound=fixed_compound
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                hazard = services.hazard_raise(
                    compound=fixed_compound or data["compound"],
                    actor=user,
                    category=data["category"],
                    severity=data["severity"],
                    description=data["description"],
                    responsible_party=data["responsible_party"],
                    deadline=data["deadline"],
                    inspection=answer.inspection if answer is not None else None,
                    answer=answer,
                    photo=data["photo"],
                )
            except WorkflowError as err:
                form.add_error(None, err.message)
            else:
                messages.success(request, _("The hazard is recorded and the company is told."))
                return redirect("inspections:hazard_detail", pk=hazard.pk)
    else:
        form = HazardRaiseForm(
            initial=_raise_initial(request, queryset, answer),
            compounds=queryset,
            fixed_compound=fixed_compound,
        )
    context = {
        "form": form,
        "answer": answer,
        "fixed_compound": fixed_compound,
    }
    return render(request, "inspections/hazard_form.html", context)


# The hazard's page and its actions -------------------------------------------------------------


def _hazard_or_404(request, pk: int):
    return get_visible_or_404(request, selectors.hazards_for_detail(user=request.user), pk=pk)


def _render_detail(request, hazard, *, bound: dict | None = None, error=None):
    user = request.user
    today = timezone.localdate()
    action_forms = {
        selectors.ACTION_START: forms.Form(),
        selectors.ACTION_RECTIFY: HazardRectifyForm(auto_id="id_rectify_%s"),
        selectors.ACTION_VERIFY: HazardVerifyForm(auto_id="id_verify_%s"),
        selectors.ACTION_REJECT: HazardRejectForm(
            auto_id="id_reject_%s",
            initial={"deadline": today + datetime.timedelta(days=DEFAULT_DEADLINE_DAYS)},
        ),
        **(bound or {}),
    }
    events = list(selectors.hazard_events(user=user, hazard=hazard))
    context = {
        "hazard": hazard,
        "overdue": hazard.is_overdue(today),
        "events": events,
        "actions": selectors.hazard_actions_for(user=user, hazard=hazard),
        "action_forms": action_forms,
        "error": error,
        "under_key_management": hazard.compound_id in compound_ids_under_key_management(user=user),
    }
    return render(request, "inspections/hazard_detail.html", context)


@login_required
@permission_required("inspections.view_hazard", raise_exception=True)
@require_GET
def hazard_detail(request, pk: int):
    return _render_detail(request, _hazard_or_404(request, pk))


def _render_refused(request, hazard, name, form, refusal):
    error = refusal_text(refusal) if refusal is not None else None
    return _render_detail(request, hazard, bound={name: form}, error=error)


RECTIFY, VERIFY = ("inspections.rectify_hazard",), ("inspections.verify_hazard",)

HAZARD_ACTIONS = RecordActions(
    record="hazard",
    prefix="hazards",
    lookup=_hazard_or_404,
    render=_render_refused,
    detail_url=lambda hazard: reverse("inspections:hazard_detail", args=[hazard.pk]),
    actions=(
        Action(
            name=selectors.ACTION_START,
            perms=RECTIFY,
            success=_("Rectification started."),
            run=lambda hazard, actor, form: services.hazard_start(hazard=hazard, actor=actor),
        ),
        Action(
            name=selectors.ACTION_RECTIFY,
            perms=RECTIFY,
            success=_("Reported as rectified; the street office will verify it."),
            form_class=HazardRectifyForm,
            run=lambda hazard, actor, form: services.hazard_rectify(
                hazard=hazard,
                actor=actor,
                note=form.cleaned_data["note"],
                after_photo=form.cleaned_data["after_photo"],
            ),
        ),
        Action(
            name=selectors.ACTION_VERIFY,
            perms=VERIFY,
            success=_("The rectification is verified."),
            form_class=HazardVerifyForm,
            run=lambda hazard, actor, form: services.hazard_verify(
                hazard=hazard, actor=actor, note=form.cleaned_data["note"]
            ),
        ),
        Action(
            name=selectors.ACTION_REJECT,
            perms=VERIFY,
            success=_("The rectification was rejected; the company has a new deadline."),
            form_class=HazardRejectForm,
            run=lambda hazard, actor, form: services.hazard_reject(
                hazard=hazard,
                actor=actor,
                reason=form.cleaned_data["reason"],
                deadline=form.cleaned_data["deadline"],
            ),
        ),
    ),
)


# Photos: served through the scope check, never from a public media URL -------------------------

PHOTO_FIELDS = {"before": "photo", "after": "after_photo"}


@login_required
@permission_required("inspections.view_hazard", raise_exception=True)
@require_GET
def hazard_photo(request, pk: int, which: str):
    if which not in PHOTO_FIELDS:
        raise Http404
    hazard = get_visible_or_404(request, selectors.hazards_for_photo(user=request.user), pk=pk)
    return private_file_response(getattr(hazard, PHOTO_FIELDS[which]), allow_prefix="image/")


urlpatterns = [
    path("hazards/", hazard_list, name="hazard_list"),
    path("hazards/new/", hazard_new, name="hazard_new"),
    path("hazards/<int:pk>/", hazard_detail, name="hazard_detail"),
    *HAZARD_ACTIONS.urlpatterns(),
    path("hazards/<int:pk>/photo/<slug:which>/", hazard_photo, name="hazard_photo"),
]
