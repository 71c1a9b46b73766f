"""Campaign activities in the admin: scoped (``ScopedAdminMixin``: a row outside the user's
scope is a 404) and read-only, with their photos inline. Activities are recorded, changed and
deleted on the workbench, through the services (who acts for the place decides)."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from communities import models as m
from communities.admin.autocomplete_filter import AutocompleteFilter
from communities.admin.month_filter import MonthFilter
from communities.admin.readonly import ReadOnlyInline, ScopedReadOnlyAdmin
from communities.admin.scoped_filter import ScopedPlaceFilter
from communities.admin.timeline import person_column, short_date_column
from communities.kept import kept_for_scope

from .list_figures import GENERATION


class ActivityPhotoInline(ReadOnlyInline):
    # Sizes only, no links: photos are served by the workbench's scoped views.
    model = m.ActivityPhoto
    fields = ["content_type", "photo_size", "uploaded_at"]

    @admin.display(description=_("size"))
    def photo_size(self, obj):
        return filesizeformat(obj.size)


class ActivityMonthFilter(MonthFilter):
    """The month of the activity's date; its months kept per scope until an activity changes."""

    field = "date"

    def keep(self, request, model_admin, compute):
        return kept_for_scope(GENERATION, "activities:admin-months", request.user, (), compute)


@admin.register(m.Activity)
class ActivityAdmin(ScopedReadOnlyAdmin):
    list_display = ["title", "kind", "day", "compound", "community", "participants", "organiser"]
    list_select_related = ["compound", "community"]
    # by month, not ``date_hierarchy``: its distinct months and first and last dates of a
    # province's activities were read on every view (250 ms)
    list_filter = [
        ActivityMonthFilter,
        "kind",
        ("compound__community__street", ScopedPlaceFilter),
        ("community", AutocompleteFilter),  # a province's 2,000: typed
    ]
    search_fields = ["title", "organiser", "compound__name", "community__name"]
    ordering = ["-date", "-pk"]
    fields = [
        "compound",
        "community",
        "kind",
        "date",
        "title",
        "participants",
        "organiser",
        "organisation",
        "recorded_by",
        "note",
    ]
    inlines = [ActivityPhotoInline]
    day = short_date_column(m.Activity, "date")
    recorded_by = person_column(m.Activity, "created_by")
