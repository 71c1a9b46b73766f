"""Workbench pages of campaign activities: the list with its filters and figures, recording
and changing an activity (with photos), its page, its photos, and the export.

Views stay thin: the permission to use the page (403 for any id), the object in the user's
scope (``get_visible_or_404``: 404 outside it or missing), one service; a refusal
(``WorkflowError`` or the model's ``ValidationError``) shows again with what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities import selectors as register
from communities.exports.views import export_begin
from communities.models import Street
from communities.paginators import EstimatedCountPaginator
from communities.scoping import get_visible_or_404
from communities.uploads import private_file_response
from communities.validators import ascii_int
from communities.workflow import WorkflowError

from . import selectors as s
from . import services
from .exporting import EXPORTER_KEY
from .forms import ActivityFilterForm, ActivityForm, PhotoForm
from .list_figures import list_figures

PAGE_SIZE = 25
VIEW = "communities.view_activity"
ADD = "communities.add_activity"
CHANGE = "communities.change_activity"
DELETE = "communities.delete_activity"


def filter_form(user, query) -> ActivityFilterForm:
    """The list's filter form for this user (the export reads the list's query with it)."""
    return ActivityFilterForm(
        query,
        streets=Street.objects.visible_to(user),
        communities=register.communities_for_filter(
            user=user,
            street_id=ascii_int(query.get("street")),
            chosen_id=ascii_int(query.get("community")),
        ),
        compounds=register.compounds_for_filter(user=user),
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def activity_list(request):
    user = request.user
    form = filter_form(user, request.GET)
    filters = form.filters()
    activities = s.activities_for_list(user=user, filters=filters)
    figures = list_figures(user, filters, activities)  # kept; its total is the list's count
    paginator = EstimatedCountPaginator(activities, PAGE_SIZE, count=figures.total)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "activities": list(page.object_list),
        "filter_form": form,
        "filters": filters,
        "refused_filters": form.refused(),
        "figures": figures,
        "can_add": user.has_perm(ADD),
    }
    return render(request, "communities/activity_list.html", context)


def _form(request, *, data=None, files=None, initial=None, with_photos=True) -> ActivityForm:
    user = request.user
    return ActivityForm(
        data,
        files,
        initial=initial,
        compounds=s.compounds_for_recording(user=user),
        communities=s.communities_for_recording(user=user),
        with_photos=with_photos,
    )


def _refused(form: ActivityForm, refusal: Exception) -> None:
    """The service's refusal on the form: a field's on the field, the rest above the form."""
    if isinstance(refusal, WorkflowError):
        form.add_error(None, str(refusal.message))
        return
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return
    for error in refusal.messages:
        form.add_error(None, error)


@login_required
@permission_required(ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def activity_add(request):
    if request.method == "POST":
        form = _form(request, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                activity = services.activity_create(actor=request.user, **form.service_fields())
            except (WorkflowError, ValidationError) as refusal:
                _refused(form, refusal)
            else:
                messages.success(request, _("Activity recorded."))
                return redirect("communities:activity_detail", pk=activity.pk)
    else:
        form = _form(request, initial=_initial_place(request))
    return render(request, "communities/activity_form.html", {"form": form, "activity": None})


def _initial_place(request) -> dict:
    """The compound the page was opened for (``?compound=``, from the compound page), if the
    user may choose it."""
    wanted = ascii_int(request.GET.get("compound"))
    if (
        wanted is not None
        and s.compounds_for_recording(user=request.user).filter(pk=wanted).exists()
    ):
        return {"compound": wanted}
    return {}


def _visible(request, pk: int):
    return get_visible_or_404(request, s.activities_for_detail(user=request.user), pk=pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def activity_detail(request, pk: int):
    user = request.user
    activity = _visible(request, pk)
    may_change = services.may_change(user, activity)
    context = {
        "activity": activity,
        "photos": list(activity.photos.all()),
        "may_change": may_change,
        "may_delete": services.may_delete(user, activity),
        "photo_form": PhotoForm(auto_id="photo_%s") if may_change else None,
    }
    return render(request, "communities/activity_detail.html", context)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    activity = _visible(request, pk)
    if not services.may_change(request.user, activity):
        raise PermissionDenied
    if request.method == "POST":
        form = _form(request, data=request.POST, files=request.FILES, with_photos=False)
        if form.is_valid():
            fields = form.service_fields()
            fields.pop("photos")
            try:
                services.activity_update(activity=activity, actor=request.user, **fields)
            except (WorkflowError, ValidationError) as refusal:
                _refused(form, refusal)
            else:
                messages.success(request, _("Activity saved."))
                return redirect("communities:activity_detail", pk=activity.pk)
    else:
        initial = {
            "compound": activity.compound_id,
            "community": activity.community_id,
            "kind": activity.kind,
            "date": activity.date,
            "title": activity.title,
            "participants": activity.participants,
            "organiser": activity.organiser,
            "note": activity.note,
        }
        form = _form(request, initial=initial, with_photos=False)
    return render(request, "communities/activity_form.html", {"form": form, "activity": activity})


@login_required
@permission_required(DELETE, raise_exception=True)
@require_POST
def activity_delete(request, pk: int):
    activity = _visible(request, pk)
    try:
        services.activity_delete(activity=activity, actor=request.user)
    except WorkflowError as refusal:
        messages.error(request, refusal.message)
        return redirect("communities:activity_detail", pk=activity.pk)
    messages.success(request, _("Activity deleted."))
    return redirect("communities:activity_list")


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def activity_photo_add(request, pk: int):
    activity = _visible(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("communities:activity_detail", pk=activity.pk)
    try:
        for upload in form.cleaned_data["photos"]:
            services.activity_photo_add(activity=activity, actor=request.user, upload=upload)
    except WorkflowError as refusal:
        # Nothing of this request is kept (ATOMIC_REQUESTS): every photo or none.
        transaction.set_rollback(True)
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Photos added."))
    return redirect("communities:activity_detail", pk=activity.pk)


def _visible_photo(request, pk: int):
    return get_visible_or_404(request, s.activity_photos_for(user=request.user), pk=pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def activity_photo(request, pk: int):
    """The photo itself, only to those who may see its activity (never a public URL)."""
    photo = _visible_photo(request, pk)
    return private_file_response(photo.file, allow_prefix="image/")


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def activity_photo_thumbnail(request, pk: int):
    photo = _visible_photo(request, pk)
    return private_file_response(photo.thumbnail or photo.file, allow_prefix="image/")


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def activity_photo_remove(request, pk: int):
    photo = _visible_photo(request, pk)
    try:
        services.activity_photo_remove(photo=photo, actor=request.user)
    except WorkflowError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Photo removed."))
    return redirect("communities:activity_detail", pk=photo.activity_id)


urlpatterns = [
    path("activities/", activity_list, name="activity_list"),
    path("activities/new/", activity_add, name="activity_add"),
    path("activities/export/", export_begin, {"key": EXPORTER_KEY}, name="activity_export"),
    path("activities/<int:pk>/", activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", activity_delete, name="activity_delete"),
    path("activities/<int:pk>/photos/", activity_photo_add, name="activity_photo_add"),
    path("activities/photos/<int:pk>/", activity_photo, name="activity_photo"),
    path(
        "activities/photos/<int:pk>/thumbnail/",
        activity_photo_thumbnail,
        name="activity_photo_thumbnail",
    ),
    path(
        "activities/photos/<int:pk>/remove/",
        activity_photo_remove,
        name="activity_photo_remove",
    ),
]
