"""Admin: entrances (with their facilities inline) and facilities, scoped like the register
(``ScopedAdminMixin``: another area's row is a 404, choices come from the user's scope).

Saving goes through ``patrols.facility_services.facility_save`` (the in-service rule: the day a
facility stopped, the hazard link cleared on repair) and ``Facility.clean`` (the field rules,
run by the admin's forms too); the hazard a facility raised is read-only. Export uses the
shared path (``patrols.facility_exporting``).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from communities.admin import ScopedAdminMixin, ScopedInlineMixin
from communities.admin.autocomplete_filter import AutocompleteFilter
from communities.admin.scoped_filter import ScopedPlaceFilter
from communities.admin.timeline import short_date_column
from communities.counting import per_row
from communities.exports.admin import ExporterAdminMixin
from patrols import facility_services as services
from patrols.facility_exporting import EXPORTER_KEY
from patrols.models import Entrance, Facility, FacilityLocation

STREET = ("compound__community__street", ScopedPlaceFilter)
COMMUNITY = ("compound__community", AutocompleteFilter)  # a province's 2,000: typed


class FacilityInlineForm(forms.ModelForm):
    """A facility of the entrance being edited: it stands at that entrance of its compound."""

    class Meta:
        model = Facility
        fields = ["kind", "quantity", "in_service", "out_of_service_since", "checked_on"]

    def _post_clean(self):
        self.instance.location = FacilityLocation.ENTRANCE
        # The inline formset put the parent entrance (saved or not yet) on the instance.
        entrance = self.instance._state.fields_cache.get("entrance")
        if entrance is not None:
            self.instance.compound_id = entrance.compound_id
        super()._post_clean()


class FacilityInline(ScopedInlineMixin, admin.TabularInline):
    model = Facility
    form = FacilityInlineForm
    fk_name = "entrance"
    extra = 0
    fields = ["kind", "quantity", "in_service", "out_of_service_since", "checked_on", "hazard"]
    readonly_fields = ["hazard"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("hazard")


@admin.register(Entrance)
class EntranceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "compound", "kind", "facility_count"]
    list_select_related = ["compound"]
    list_filter = ["kind", STREET, COMMUNITY]
    search_fields = ["name", "compound__name", "compound__code"]
    autocomplete_fields = ["compound"]
    fields = ["compound", "name", "kind"]
    inlines = [FacilityInline]

    def get_queryset(self, request):
        # counted for the page's rows only (a GROUP BY over every entrance took 140 ms)
        return (
            super()
            .get_queryset(request)
            .annotate(n_facilities=per_row(Facility.objects, "entrance"))
        )

    def save_model(self, request, obj, form, change):
        """Through the services (their permission and scope checks), then the scope re-check."""
        if change:
            services.entrance_update(actor=request.user, entrance=obj, name=obj.name, kind=obj.kind)
        else:
            saved = services.entrance_create(
                actor=request.user, compound=obj.compound, name=obj.name, kind=obj.kind
            )
            obj.pk, obj._state.adding = saved.pk, False
        if not self.get_queryset(request).filter(pk=obj.pk).exists():
            raise PermissionDenied  # rolls back: ATOMIC_REQUESTS

    def has_delete_permission(self, request, obj=None):
        # An entrance with facilities is not deleted (their place would be lost): the service
        # refuses it, so the admin does not offer it.
        if obj is not None and obj.facilities.exists():
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.entrance_delete(actor=request.user, entrance=obj)

    def get_actions(self, request):
        # No bulk delete: each deletion goes through the service and its rule.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("facilities"), ordering="n_facilities")
    def facility_count(self, obj):
        return obj.n_facilities

    def save_formset(self, request, form, formset, change):
        if formset.model is not Facility:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.facility_delete(actor=request.user, facility=obj)
        for facility in instances:
            facility.entrance = form.instance
            facility.compound = form.instance.compound
            services.facility_save(actor=request.user, facility=facility)
        return None


class ExportOnlyMixin(ExporterAdminMixin, ExportMixin):
    """Export (no import) on the shared export path: the change list's rows as filtered."""


@admin.register(Facility)
class FacilityAdmin(ScopedAdminMixin, ExportOnlyMixin, admin.ModelAdmin):
    exporter_key = EXPORTER_KEY
    list_display = [
        "compound",
        "kind",
        "location",
        "entrance",
        "building",
        "quantity",
        "in_service",
        "since_day",
        "checked_day",
    ]
    list_select_related = ["compound", "entrance__compound"]
    list_filter = ["kind", "location", "in_service", STREET, COMMUNITY]
    search_fields = ["compound__name", "compound__code", "entrance__name", "building"]
    autocomplete_fields = ["compound", "entrance"]
    fields = [
        "compound",
        "kind",
        "location",
        "entrance",
        "building",
        "quantity",
        "in_service",
        "out_of_service_since",
        "checked_on",
        "hazard",
    ]
    readonly_fields = ["hazard"]
    since_day = short_date_column(Facility, "out_of_service_since")
    checked_day = short_date_column(Facility, "checked_on")

    def save_model(self, request, obj, form, change):
        services.facility_save(actor=request.user, facility=obj)
        super().save_model(request, obj, form, change)  # re-checks the scope after saving

    def delete_model(self, request, obj):
        services.facility_delete(actor=request.user, facility=obj)

    def get_actions(self, request):
        # No bulk delete: each deletion goes through the service.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
