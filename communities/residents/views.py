"""Workbench pages of 以房管人: the figures of the user's area, a compound's households, a
household's page with its residents, adding, correcting and moving out residents, marking a
home rented with its landlord, and the registration work list.

Views stay thin: the permission (403 for any id), the object in the user's scope
(``get_visible_or_404``: 404 outside it or missing), one service; a refusal (``WorkflowError`` or
the model's ``ValidationError``) shows the form again with what was typed. Names, phones and ID
numbers are masked unless the user may see them in full, and a page that shows them in full is
written to the audit trail before it leaves.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from communities import audit
from communities import selectors as register
from communities.actions import attach_refusal, refusal_text
from communities.models import Household, Occupancy, Resident
from communities.paginators import EstimatedCountPaginator
from communities.privacy import can_see_personal_data, mask_instance, mask_value
from communities.scoping import get_visible_or_404
from communities.workflow import WorkflowError

from . import selectors as s
from . import services
from .figures import household_counts
from .filters import WorklistFilters
from .forms import MoveOutForm, OccupancyForm, ResidentForm
from .worklist import WorkItem, warning_days

VIEW = "communities.view_resident"
ADD = "communities.add_resident"
CHANGE = "communities.change_resident"
DELETE = "communities.delete_resident"
EXPORT = "communities.export_resident"
HOUSEHOLDS_PAGE_SIZE = 50
WORKLIST_PAGE_SIZE = 25
LEVELS = {
    "street": _lazy("by street"),
    "community": _lazy("by community"),
    "compound": _lazy("by compound"),
}
PLACE_LABELS = {
    "street": _lazy("street"),
    "community": _lazy("community"),
    "compound": _lazy("compound"),
}
RESIDENT_FIELDS = ["name", "id_number", "phone"]
LANDLORD_FIELDS = ["landlord_name", "landlord_phone"]


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def resident_overview(request):
    """以房管人 figures of the user's area, grouped by street, community or compound."""
    user = request.user
    level = request.GET.get("by")
    if level not in LEVELS:
        level = s.default_level(user)
    figures = s.figures_for_scope(user=user, level=level, page=request.GET.get("page"))
    context = {
        "total": figures.total,
        "rows": figures.page.object_list,
        "page": figures.page,
        "level": level,
        "level_label": PLACE_LABELS[level],
        "levels": list(LEVELS.items()),
    }
    return render(request, "communities/residents/overview.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def compound_households(request, code: str):
    user = request.user
    compound = get_visible_or_404(request, register.compounds_for_detail(user=user), code=code)
    building = request.GET.get("building", "").strip()[:20]
    room = request.GET.get("room", "").strip()[:20]
    households = s.compound_households(user=user, compound=compound, building=building, room=room)
    page = Paginator(households, HOUSEHOLDS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "compound": compound,
        "page": page,
        "households": list(page.object_list),
        "buildings": s.compound_buildings(user=user, compound=compound),
        "building": building,
        "room": room,
    }
    return render(request, "communities/residents/households.html", context)


def _household(request, pk: int) -> Household:
    return get_visible_or_404(request, s.households_for_detail(user=request.user), pk=pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def household_detail(request, pk: int):
    user = request.user
    household = _household(request, pk)
    present, moved_out = s.household_residents(household)
    shown = can_see_personal_data(user)
    if shown:
        audit.personal_data_viewed(
            request,
            model=Resident,
            objects=[r.pk for r in (*present, *moved_out)],
            fields=[*RESIDENT_FIELDS, "head_name", "head_phone", "landlord_name", "landlord_phone"],
        )
    else:
        for row in (household, *present, *moved_out):
            mask_instance(row)
    context = {
        "household": household,
        "compound": household.compound,
        "present": present,
        "moved_out": moved_out,
        "counts": household_counts(household),
        "can_add": user.has_perm(ADD),
        "can_change": user.has_perm(CHANGE),
        "can_delete": user.has_perm(DELETE),
        "can_set_occupancy": user.has_perm("communities.change_household"),
        "move_out_form": MoveOutForm(auto_id="move_out_%s"),
        "shown": shown,
    }
    return render(request, "communities/residents/household.html", context)


@login_required
@permission_required(ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def resident_add(request, pk: int):
    household = _household(request, pk)
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_add(actor=request.user, household=household, person=form.person())
        except (WorkflowError, ValidationError) as refusal:
            attach_refusal(form, refusal)
        else:
            messages.success(request, _("Resident recorded."))
            return redirect("communities:household_detail", pk=household.pk)
    context = {"form": form, "household": household, "resident": None}
    return render(request, "communities/residents/resident_form.html", context)


def _resident(request, pk: int) -> Resident:
    return get_visible_or_404(request, s.residents_for_change(user=request.user), pk=pk)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def resident_edit(request, pk: int):
    """Correct a resident or record the residence registration; a user who may not see
    personal data in full changes everything but the name, document and phone."""
    resident = _resident(request, pk)
    household = resident.household
    personal = can_see_personal_data(request.user)
    if request.method == "POST":
        form = ResidentForm(request.POST, personal=personal)
        if form.is_valid():
            try:
                services.resident_update(
                    actor=request.user,
                    resident=resident,
                    person=form.person(resident),
                    keep=() if personal else services.PERSONAL_FIELDS,
                )
            except (WorkflowError, ValidationError) as refusal:
                attach_refusal(form, refusal)
            else:
                messages.success(request, _("Resident saved."))
                return redirect("communities:household_detail", pk=household.pk)
    else:
        form = ResidentForm(initial=ResidentForm.initial_for(resident), personal=personal)
        if personal:
            audit.personal_data_viewed(request, target=resident, fields=RESIDENT_FIELDS)
    masked_name = "" if personal else mask_value(Resident, "name", resident.name)
    context = {"form": form, "household": household, "resident": resident, "masked": masked_name}
    return render(request, "communities/residents/resident_form.html", context)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["POST"])
def resident_move_out(request, pk: int):
    resident = _resident(request, pk)
    form = MoveOutForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        try:
            services.resident_move_out(
                actor=request.user, resident=resident, on=form.cleaned_data["moved_out"]
            )
        except (WorkflowError, ValidationError) as refusal:
            messages.error(request, refusal_text(refusal))
        else:
            messages.success(request, _("The resident moved out: kept in the history."))
    return redirect("communities:household_detail", pk=resident.household_id)


@login_required
@permission_required(DELETE, raise_exception=True)
@require_http_methods(["POST"])
def resident_delete(request, pk: int):
    """Delete a resident recorded by mistake (moving out keeps the history; this does not)."""
    resident = _resident(request, pk)
    try:
        services.resident_delete(actor=request.user, resident=resident)
    except WorkflowError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("The resident was deleted."))
    return redirect("communities:household_detail", pk=resident.household_id)


@login_required
@permission_required("communities.change_household", raise_exception=True)
@require_http_methods(["GET", "POST"])
def household_occupancy(request, pk: int):
    """Mark the home owner-occupied, rented (with its landlord) or vacant."""
    household = _household(request, pk)
    shown = can_see_personal_data(request.user)
    keeps = ""
    if not shown and household.landlord_name:
        keeps = " ".join(
            mask_value(Household, f, getattr(household, f))
            for f in ("landlord_name", "landlord_phone")
        )
    if request.method == "POST":
        form = OccupancyForm(request.POST, keeps_landlord=keeps)
        if form.is_valid():
            try:
                services.household_occupancy_set(
                    actor=request.user,
                    household=household,
                    keep_landlord=bool(keeps),
                    **form.cleaned_data,
                )
            except (WorkflowError, ValidationError) as refusal:
                attach_refusal(form, refusal)
            else:
                messages.success(request, _("Occupancy saved."))
                return redirect("communities:household_detail", pk=household.pk)
    else:
        initial = {"occupancy": household.occupancy}
        if shown:
            initial.update(
                landlord_name=household.landlord_name, landlord_phone=household.landlord_phone
            )
            if household.landlord_name or household.landlord_phone:
                # The form shows the landlord in full: recorded before the page leaves.
                audit.personal_data_viewed(request, target=household, fields=LANDLORD_FIELDS)
        form = OccupancyForm(initial=initial, keeps_landlord=keeps)
    context = {"form": form, "household": household, "rented": Occupancy.RENTED}
    return render(request, "communities/residents/occupancy_form.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def resident_worklist(request):
    """The registration work list: one tab per item, the user's places and a search."""
    user = request.user
    form = WorklistFilters(user, request.GET)
    item = form.chosen_item
    counts = form.counts()  # the chosen tab's is the list's count
    paginator = EstimatedCountPaginator(form.rows(), WORKLIST_PAGE_SIZE, count=counts[str(item)])
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    if item != WorkItem.NO_TENANT and not can_see_personal_data(user):
        for row in rows:
            mask_instance(row)
    elif item != WorkItem.NO_TENANT and rows:
        audit.personal_data_viewed(
            request, model=Resident, objects=[r.pk for r in rows], fields=RESIDENT_FIELDS
        )
    tabs = [(choice, choice.label, counts[str(choice)]) for choice in WorkItem]
    context = {
        "filter_form": form,
        "refused_filters": form.refused(),
        "item": item,
        "tabs": tabs,
        "page": page,
        "rows": rows,
        "homes": item == WorkItem.NO_TENANT,
        "warning_days": warning_days(),
        "worklist_export_url": reverse("communities:resident_worklist_export")
        if user.has_perm(EXPORT)
        else "",
        "is_filtered": any(form.value(n) for n in ("street", "community", "compound", "kind", "q")),
    }
    return render(request, "communities/residents/worklist.html", context)


urlpatterns = [
    path("residents/worklist/", resident_worklist, name="resident_worklist"),
    path("residents/", resident_overview, name="resident_overview"),
    path("compounds/<str:code>/households/", compound_households, name="compound_households"),
    path("households/<int:pk>/", household_detail, name="household_detail"),
    path("households/<int:pk>/residents/new/", resident_add, name="resident_add"),
    path("households/<int:pk>/occupancy/", household_occupancy, name="household_occupancy"),
    path("residents/<int:pk>/edit/", resident_edit, name="resident_edit"),
    path("residents/<int:pk>/move-out/", resident_move_out, name="resident_move_out"),
    path("residents/<int:pk>/delete/", resident_delete, name="resident_delete"),
]
