"""Workbench page of key management (重点管理): who is on it, why, since when, and the history.

Bureau users with ``inspections.manage_keymanagement`` put a compound on or take it off by hand,
always with a reason (``services.key_management_enter`` / ``key_management_leave``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from communities.validators import ascii_int
from inspections import services
from inspections.errors import MSG_NOT_KEY, WorkflowError
from inspections.forms.hazards import KeyManagementEnterForm, KeyManagementLeaveForm
from inspections.selectors import key_management as selectors

HISTORY_PAGE_SIZE = 25
#: compounds under key management shown a page at a time (``?current=``), each with its
#: take-off form: a province's 226 on one page took a quarter of a second to render
CURRENT_PAGE_SIZE = 50
MANAGE = "inspections.manage_keymanagement"


def _leave_form(user, compound_id: int, data=None, compounds=None) -> KeyManagementLeaveForm:
    """A take-off form for one compound; ``compounds`` (the user's compounds on key management)
    is built once for a page of such forms: built for each of a province's 226 rows it took
    0.6 s."""
    if compounds is None:
        compounds = selectors.compounds_for_key_management_leave(user=user)
    return KeyManagementLeaveForm(
        data,
        initial={"compound": compound_id},
        compounds=compounds,
        auto_id=f"id_leave_{compound_id}_%s",
    )


def _render(request, *, enter_form=None, failed_leave=None, error=None):
    """The page; ``failed_leave`` is a refused take-off form, shown again in its row."""
    user = request.user
    can_manage = user.has_perm(MANAGE)
    # ``?compound=<id>`` narrows the page to one compound (the compound page links here).
    compound = selectors.compound_for_key_management(
        user=user, pk=ascii_int(request.GET.get("compound"))
    )
    compound_id = compound.pk if compound is not None else None
    spells = selectors.key_management_current(user=user, compound_id=compound_id)
    current_page = Paginator(spells, CURRENT_PAGE_SIZE).get_page(request.GET.get("current"))
    current = list(current_page.object_list)
    if can_manage:
        on_it = selectors.compounds_for_key_management_leave(user=user)
        for spell in current:
            spell.leave_form = (
                failed_leave
                if failed_leave is not None and failed_leave.failed_compound_id == spell.compound_id
                else _leave_form(user, spell.compound_id, compounds=on_it)
            )
        if enter_form is None:
            enter_form = KeyManagementEnterForm(
                compounds=selectors.compounds_for_key_management_enter(user=user)
            )
    history = Paginator(
        selectors.key_management_history(user=user, compound_id=compound_id), HISTORY_PAGE_SIZE
    )
    context = {
        "compound": compound,
        "current": current,
        "current_page": current_page,
        "page": history.get_page(request.GET.get("page")),
        "can_manage": can_manage,
        "enter_form": enter_form,
        "error": error,
        "rule": {
            "fail_months": settings.KEY_MANAGEMENT_FAIL_MONTHS,
            "pass_months": settings.KEY_MANAGEMENT_PASS_MONTHS,
            "overdue_days": settings.KEY_MANAGEMENT_HAZARD_OVERDUE_DAYS,
        },
    }
    return render(request, "inspections/key_management_list.html", context)


@login_required
@permission_required("inspections.view_keymanagement", raise_exception=True)
@require_GET
def key_management_list(request):
    return _render(request)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def key_management_enter(request):
    user = request.user
    form = KeyManagementEnterForm(
        request.POST, compounds=selectors.compounds_for_key_management_enter(user=user)
    )
    if form.is_valid():
        compound = form.cleaned_data["compound"]
        try:
            services.key_management_enter(
                compound=compound, actor=user, reason=form.cleaned_data["reason"]
            )
        except WorkflowError as err:
            form.add_error(None, err.message)
        else:
            messages.success(
                request,
                _("%(compound)s is now under key management.") % {"compound": compound.name},
            )
            return redirect("inspections:key_management_list")
    return _render(request, enter_form=form)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def key_management_leave(request):
    user = request.user
    compound_id = ascii_int(request.POST.get("compound"))
    form = _leave_form(user, compound_id, data=request.POST)
    form.failed_compound_id = compound_id
    if form.is_valid():
        compound = form.cleaned_data["compound"]
        try:
            services.key_management_leave(
                compound=compound, actor=user, reason=form.cleaned_data["reason"]
            )
        except WorkflowError as err:
            form.add_error(None, err.message)
        else:
            messages.success(
                request,
                _("%(compound)s is no longer under key management.") % {"compound": compound.name},
            )
            return redirect("inspections:key_management_list")
    if "compound" in form.errors:
        # Not a compound on key management in the user's scope: nothing to show in a row.
        return _render(request, error=MSG_NOT_KEY)
    return _render(request, failed_leave=form)


urlpatterns = [
    path("key-management/", key_management_list, name="key_management_list"),
    path("key-management/enter/", key_management_enter, name="key_management_enter"),
    path("key-management/leave/", key_management_leave, name="key_management_leave"),
]
