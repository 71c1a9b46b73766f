"""Workbench pages of 物防/技防 facilities: a compound's entrances and facilities (with its
coverage and gaps in words), and the coverage list of the user's compounds with the rates
against the targets.

Views stay thin: the page's permission first (403 for any id), then the object looked up in the
user's scope (404 outside it or missing), then the form, then one service. A refusal re-renders
the form with the reason and writes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.exports.views import export_begin
from communities.models import Street
from communities.scoping import get_visible_or_404
from communities.street_choice import offers_street_choice
from communities.workflow import WorkflowError
from patrols import facility_coverage as fc
from patrols import facility_selectors as selectors
from patrols import facility_services as services
from patrols.facility_exporting import EXPORTER_KEY
from patrols.facility_forms import CoverageFilterForm, EntranceForm, FacilityForm, OutOfServiceForm
from patrols.list_figures import kept

COVERAGE_PAGE_SIZE = 25


def _refuse(form, error) -> None:
    """Put a service's refusal on the form: a model's field errors on their fields."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, getattr(error, "message", None) or error.messages[0])


def _save(form, call):
    """Call the service inside a savepoint: a refusal writes nothing and lands on the form."""
    try:
        with transaction.atomic():
            return call()
    except (WorkflowError, ValidationError) as error:
        _refuse(form, error)
        return None


# A compound's facilities -------------------------------------------------------------------


def _compound_or_404(request, code: str):
    return get_visible_or_404(
        request, selectors.compounds_for_facilities(user=request.user), code=code
    )


@login_required
@permission_required("patrols.view_facility", raise_exception=True)
@require_GET
def facility_compound(request, code: str):
    user = request.user
    compound = _compound_or_404(request, code)
    gaps = fc.coverage_gaps(compound)
    context = {
        "compound": compound,
        "entrances": selectors.compound_entrances(user=user, compound=compound),
        "others": selectors.compound_other_facilities(user=user, compound=compound),
        "gaps": gaps,
        "physical_status": gaps.status(fc.PHYSICAL),
        "tech_status": gaps.status(fc.TECH),
        "can_add": user.has_perm("patrols.add_facility"),
        "can_add_entrance": user.has_perm("patrols.add_entrance"),
        "can_change": user.has_perm("patrols.change_facility"),
        "can_change_entrance": user.has_perm("patrols.change_entrance"),
    }
    return render(request, "patrols/facility_compound.html", context)


@login_required
@permission_required("patrols.add_entrance", raise_exception=True)
@require_http_methods(["GET", "POST"])
def facility_entrance_add(request, code: str):
    compound = _compound_or_404(request, code)
    form = EntranceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
            form,
            lambda: services.entrance_create(
                actor=request.user, compound=compound, name=data["name"], kind=data["kind"]
            ),
        )
        if saved:
            messages.success(request, _("The entrance is recorded."))
            return redirect("patrols:facility_compound", code=compound.code)
    return render(request, "patrols/entrance_form.html", {"form": form, "compound": compound})


def _entrance_or_404(request, pk: int):
    return get_visible_or_404(request, selectors.entrances_for_edit(user=request.user), pk=pk)


@login_required
@permission_required("patrols.change_entrance", raise_exception=True)
@require_http_methods(["GET", "POST"])
def facility_entrance_edit(request, pk: int):
    entrance = _entrance_or_404(request, pk)
    compound = entrance.compound
    initial = {"name": entrance.name, "kind": entrance.kind}
    form = EntranceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
            form,
            lambda: services.entrance_update(
                actor=request.user, entrance=entrance, name=data["name"], kind=data["kind"]
            ),
        )
        if saved:
            messages.success(request, _("The entrance is saved."))
            return redirect("patrols:facility_compound", code=compound.code)
    context = {"form": form, "compound": compound, "entrance": entrance}
    return render(request, "patrols/entrance_form.html", context)


@login_required
@permission_required("patrols.delete_entrance", raise_exception=True)
@require_POST
def facility_entrance_delete(request, pk: int):
    entrance = _entrance_or_404(request, pk)
    code = entrance.compound.code
    try:
        services.entrance_delete(actor=request.user, entrance=entrance)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The entrance is deleted."))
    return redirect("patrols:facility_compound", code=code)


def _facility_form(request, compound, **kwargs) -> FacilityForm:
    entrances = selectors.entrances_for_choice(user=request.user, compound=compound)
    return FacilityForm(request.POST or None, entrances=entrances, **kwargs)


@login_required
@permission_required("patrols.add_facility", raise_exception=True)
@require_http_methods(["GET", "POST"])
def facility_add(request, code: str):
    compound = _compound_or_404(request, code)
    initial = {"entrance": request.GET.get("entrance")} if "entrance" in request.GET else {}
    if initial:
        initial["location"] = "entrance"
    form = _facility_form(request, compound, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        since = data.pop("out_of_service_since")
        saved = _save(
            form,
            lambda: services.facility_create(
                actor=request.user, compound=compound, out_of_service_since=since, **data
            ),
        )
        if saved:
            messages.success(request, _("The facility is recorded."))
            return redirect("patrols:facility_compound", code=compound.code)
    return render(request, "patrols/facility_form.html", {"form": form, "compound": compound})


def _facility_or_404(request, pk: int):
    return get_visible_or_404(request, selectors.facilities_for_edit(user=request.user), pk=pk)


@login_required
@permission_required("patrols.change_facility", raise_exception=True)
@require_http_methods(["GET", "POST"])
def facility_edit(request, pk: int):
    facility = _facility_or_404(request, pk)
    compound = facility.compound
    initial = {
        name: getattr(facility, name)
        for name in ("kind", "location", "building", "quantity", "in_service")
    }
    initial.update(
        entrance=facility.entrance_id,
        out_of_service_since=facility.out_of_service_since,
        checked_on=facility.checked_on,
    )
    form = _facility_form(request, compound, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        since = data.pop("out_of_service_since")
        in_service = data.pop("in_service")
        saved = _save(
            form,
            lambda: services.facility_update(
                actor=request.user,
                facility=facility,
                in_service=in_service,
                out_of_service_since=since,
                **data,
            ),
        )
        if saved:
            messages.success(request, _("The facility is saved."))
            return redirect("patrols:facility_compound", code=compound.code)
    context = {"form": form, "compound": compound, "facility": facility}
    return render(request, "patrols/facility_form.html", context)


@login_required
@permission_required("patrols.delete_facility", raise_exception=True)
@require_POST
def facility_delete(request, pk: int):
    facility = _facility_or_404(request, pk)
    code = facility.compound.code
    services.facility_delete(actor=request.user, facility=facility)
    messages.success(request, _("The facility is deleted."))
    return redirect("patrols:facility_compound", code=code)


@login_required
@permission_required("patrols.change_facility", raise_exception=True)
@require_POST
def facility_out_of_service(request, pk: int):
    facility = _facility_or_404(request, pk)
    form = OutOfServiceForm(request.POST)
    saved = form.is_valid() and _save(
        form,
        lambda: services.facility_set_in_service(
            actor=request.user,
            facility=facility,
            in_service=False,
            since=form.cleaned_data.get("since"),
        ),
    )
    if saved:
        messages.success(request, _("The facility is marked out of service."))
    else:
        for errors in form.errors.values():
            messages.error(request, errors[0])
    return redirect("patrols:facility_compound", code=facility.compound.code)


@login_required
@permission_required("patrols.change_facility", raise_exception=True)
@require_POST
def facility_repaired(request, pk: int):
    facility = _facility_or_404(request, pk)
    services.facility_set_in_service(actor=request.user, facility=facility, in_service=True)
    messages.success(request, _("The facility is back in service."))
    return redirect("patrols:facility_compound", code=facility.compound.code)


# The coverage list -------------------------------------------------------------------------


@login_required
@permission_required("patrols.view_facility", raise_exception=True)
@require_GET
def coverage_list(request):
    user = request.user
    communities = selectors.communities_for_filter(user=user, query=request.GET)
    form = CoverageFilterForm(
        request.GET, streets=Street.objects.visible_to(user), communities=communities
    )
    filters = form.filters()
    area = selectors.compounds_in_area(user=user, filters=filters)
    compounds = selectors.compounds_for_coverage(user=user, filters=filters, with_status=False)
    page = Paginator(compounds, COVERAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    gaps = fc.coverage_gaps_bulk(c.pk for c in rows)
    for compound in rows:
        compound.gaps = gaps[compound.pk]
        compound.physical_status = compound.gaps.status(fc.PHYSICAL)
        compound.tech_status = compound.gaps.status(fc.TECH)

    groupings = selectors.coverage_groupings(user=user, communities_wait=communities.need_street)

    def figures() -> dict:
        groups = [(group, fc.facility_coverage_by(area, group)) for group in groupings]
        return {"figures": fc.facility_coverage(area), "groups": groups}

    # kept per scope, area and groupings (``patrols.list_figures``): every compound of a
    # province; the groupings too, as a street refused by the form still named communities
    area_filters = (filters.street_id, filters.community_id, filters.query, tuple(groupings))
    context = {
        "page": page,
        "compounds": rows,
        **kept(user, "coverage", area_filters, figures),
        "filter_form": form,
        "filters": filters,
        "refused_filters": form.refused(),
        "show_street_filter": offers_street_choice(form.fields["street"]),
        "show_community_filter": len(communities) > 1 or communities.need_street,
        "communities_wait": communities.need_street,
    }
    return render(request, "patrols/coverage_list.html", context)


urlpatterns = [
    path("coverage/", coverage_list, name="coverage_list"),
    path("coverage/export/", export_begin, {"key": EXPORTER_KEY}, name="facility_export"),
    path("facilities/compound/<str:code>/", facility_compound, name="facility_compound"),
    path(
        "facilities/compound/<str:code>/entrances/new/",
        facility_entrance_add,
        name="facility_entrance_add",
    ),
    path("facilities/compound/<str:code>/new/", facility_add, name="facility_add"),
    path(
        "facilities/entrances/<int:pk>/edit/", facility_entrance_edit, name="facility_entrance_edit"
    ),
    path(
        "facilities/entrances/<int:pk>/delete/",
        facility_entrance_delete,
        name="facility_entrance_delete",
    ),
    path("facilities/<int:pk>/edit/", facility_edit, name="facility_edit"),
    path("facilities/<int:pk>/delete/", facility_delete, name="facility_delete"),
    path(
        "facilities/<int:pk>/out-of-service/",
        facility_out_of_service,
        name="facility_out_of_service",
    ),
    path("facilities/<int:pk>/repaired/", facility_repaired, name="facility_repaired"),
]
