"""The register in the admin: regions, compounds, companies, terms, households."""

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from communities import audit
from communities import models as m
from communities import resources as r
from communities.forms import ManagementTermFormSet
from communities.privacy import can_see_personal_data, personal_fields
from communities.residents.admin import ResidentInline
from communities.residents.figures import with_counts

from .autocomplete_filter import AutocompleteFilter
from .importexport import RegisterImportExportMixin
from .pair_search import PairSearchMixin
from .scoped import ScopedAdminMixin, ScopedInlineMixin, masked_column
from .scoped_filter import ScopedPlaceFilter
from .timeline import short_date_column

RelatedOnly = admin.RelatedOnlyFieldListFilter


class RegisterAdmin(ScopedAdminMixin, RegisterImportExportMixin, admin.ModelAdmin):
    """Base of the register's admin classes: scoped, with import and export."""


@admin.register(m.District)
class DistrictAdmin(RegisterAdmin):
    resource_classes = [r.DistrictResource]
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(m.Street)
class StreetAdmin(RegisterAdmin):
    resource_classes = [r.StreetResource]
    list_display = ["code", "name", "district"]
    list_select_related = ["district"]
    list_filter = [("district", RelatedOnly)]
    search_fields = ["code", "name"]
    autocomplete_fields = ["district"]


@admin.register(m.Community)
class CommunityAdmin(RegisterAdmin):
    resource_classes = [r.CommunityResource]
    list_display = ["code", "name", "street"]
    list_select_related = ["street"]
    list_filter = [("street", RelatedOnly)]
    search_fields = ["code", "name", "street__name"]
    autocomplete_fields = ["street"]


class ManagementTermInline(ScopedInlineMixin, admin.TabularInline):
    model = m.ManagementTerm
    formset = ManagementTermFormSet
    extra = 0
    autocomplete_fields = ["company"]
    fields = ["company", "start", "end", "contract_number"]


@admin.register(m.Compound)
class CompoundAdmin(RegisterAdmin):
    resource_classes = [r.CompoundResource]
    # What fits a 1280 px screen beside the menu and the filters: the name first (the link,
    # on one line), then code, community, company, households, management. The street,
    # buildings and title are filters (and on the compound's page), not columns.
    list_display = [
        "name",
        "code",
        "community",
        "current_company",
        "household_count",
        "management_mode",
    ]
    list_display_links = ["name"]
    list_select_related = ["community__street"]
    list_filter = [
        "management_mode",
        "kind",
        "title_level",
        "has_owners_committee",
        ("community__street", ScopedPlaceFilter),
        ("community", AutocompleteFilter),  # a province's 2,000: typed
    ]
    search_fields = ["code", "name", "address"]
    autocomplete_fields = ["community"]
    inlines = [ManagementTermInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "community", "address"]}),
        (
            _("Buildings and households"),
            {"fields": ["household_count", "building_count", "year_built", "kind"]},
        ),
        (
            _("Management"),
            {
                "fields": [
                    "management_mode",
                    "has_owners_committee",
                    "title_level",
                    "title_year",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_company()

    @admin.display(description=_("street"), ordering="community__street__name")
    def street_name(self, obj):
        return obj.community.street.name

    @admin.display(description=_("current property company"))
    def current_company(self, obj):
        return obj.current_company_name or "—"


@admin.register(m.PropertyCompany)
class PropertyCompanyAdmin(RegisterAdmin):
    resource_classes = [r.PropertyCompanyResource]
    list_display = ["name", "credit_code", "district", "contact_person", "compounds_managed"]
    list_select_related = ["district"]
    list_filter = [("district", RelatedOnly)]
    search_fields = ["name", "credit_code", "contact_person"]
    autocomplete_fields = ["district"]

    def get_queryset(self, request):
        # Count only the compounds this user can see: a company's work elsewhere is not theirs.
        # A subquery per row shown, not a GROUP BY of every company's terms before the page.
        running = (
            m.ManagementTerm.objects.current()
            .filter(
                company=OuterRef("pk"),
                compound__in=m.Compound.objects.visible_to(request.user),
            )
            .order_by()
            .values("company")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(n_compounds=Coalesce(Subquery(running), 0))

    def _editable(self, request, obj) -> bool:
        if obj is None:
            return True
        return m.PropertyCompany.objects.editable_by(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)

    @admin.display(description=_("compounds managed"), ordering="n_compounds")
    def compounds_managed(self, obj):
        return obj.n_compounds


class TermStatusFilter(admin.SimpleListFilter):
    """In force today, ended, or not started yet (the model's ``current``, ``ended`` and
    ``not_started``)."""

    title = _("term status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("current", _("in force")),
            ("ended", _("ended")),
            ("future", _("not started yet")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.current()
        if self.value() == "ended":
            return queryset.ended()
        if self.value() == "future":
            return queryset.not_started()
        return queryset


@admin.register(m.ManagementTerm)
class ManagementTermAdmin(RegisterAdmin):
    resource_classes = [r.ManagementTermResource]
    list_display = ["compound", "company", "start_day", "end_day", "contract_number"]
    list_select_related = ["compound", "company"]
    # a province's 2,000 companies: typed. By status, not ``date_hierarchy``: its distinct years
    # and first and last start dates of every term in scope were read on every view
    list_filter = [TermStatusFilter, ("company", AutocompleteFilter)]
    search_fields = ["compound__name", "compound__code", "company__name", "contract_number"]
    autocomplete_fields = ["compound", "company"]
    start_day = short_date_column(m.ManagementTerm, "start")
    end_day = short_date_column(m.ManagementTerm, "end")


PERSONAL_FIELDS = list(personal_fields(m.Household))  # the head's and the landlord's
MASKED_FIELDS = [
    "head_masked",
    "phone_masked",
    "id_number_masked",
    "landlord_masked",
    "landlord_phone_masked",
]


def _counted(roster: bool, counted: int, typed: int) -> str:
    """A household's count: from its residents, or the typed number, marked as such."""
    return str(counted) if roster else f"{typed}{TYPED_MARK}"


TYPED_MARK = _("(typed)")


@admin.register(m.Household)
class HouseholdAdmin(PairSearchMixin, RegisterAdmin):
    """Personal data shows in full only to users with ``view_personal_data``.

    The choice is made per request by picking columns, never by state on this (shared)
    admin instance.
    """

    resource_classes = [r.HouseholdResource]
    # Building, unit and room in one column («3-2-501»): the list fits a 1280 px screen.
    list_display = [
        "compound",
        "dwelling",
        "occupancy",
        "residents_counted",
        "floating_counted",
    ]
    list_select_related = ["compound"]
    list_filter = ["occupancy", ("compound", AutocompleteFilter)]
    search_fields = ["compound__name", "compound__code", "building", "room"]
    row_columns = m.Household.search_columns
    autocomplete_fields = ["compound"]
    inlines = [ResidentInline]
    fields_base = [
        "compound",
        "building",
        "unit",
        "room",
        "occupancy",
        "residents",
        "floating_residents",
    ]

    @admin.display(description=_("building-unit-room"), ordering="building")
    def dwelling(self, obj):
        return "-".join(part for part in (obj.building, obj.unit, obj.room) if part)

    def get_queryset(self, request):
        # The residents present where the home has a roster, in the same query (not the typed
        # counts, which only stand for homes where nobody is recorded yet).
        return with_counts(super().get_queryset(request))

    @admin.display(description=_("residents"))
    def residents_counted(self, obj):
        return _counted(obj.roster, obj.roster_present, obj.residents)

    @admin.display(description=_("floating residents"))
    def floating_counted(self, obj):
        return _counted(obj.roster, obj.roster_floating, obj.floating_residents)

    def get_list_display(self, request):
        personal = (
            ["head_name", "head_phone"]
            if can_see_personal_data(request.user)
            else [
                "head_masked",
                "phone_masked",
            ]
        )
        return [*self.list_display, *personal]

    def get_search_fields(self, request):
        fields = list(super().get_search_fields(request))
        if can_see_personal_data(request.user):
            fields += PERSONAL_FIELDS
        return fields

    def get_inlines(self, request, obj):
        # The residents are read here, never written (the services do that on the workbench):
        # not on the add page, and not in a POST, which then needs no formset data for them.
        if obj is None or request.method == "POST":
            return []
        return super().get_inlines(request, obj)

    def _hides_personal_data(self, request, obj) -> bool:
        # Without the permission a user may type personal data for a new household but
        # never read it back: on an existing one the fields show masked and read-only.
        return obj is not None and not can_see_personal_data(request.user)

    def get_readonly_fields(self, request, obj=None):
        return MASKED_FIELDS if self._hides_personal_data(request, obj) else []

    def get_fields(self, request, obj=None):
        if self._hides_personal_data(request, obj):
            return self.fields_base + MASKED_FIELDS
        return self.fields_base + PERSONAL_FIELDS

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        household = (getattr(response, "context_data", None) or {}).get("original")
        if household is not None and can_see_personal_data(request.user):
            audit.personal_data_viewed(request, target=household, fields=PERSONAL_FIELDS)
            self._audit_residents_shown(request, response)
        return response

    @staticmethod
    def _audit_residents_shown(request, response) -> None:
        """The residents' inline showed their names, ID numbers and phones in full."""
        for formset in response.context_data.get("inline_admin_formsets", []):
            if formset.opts.model is m.Resident:
                shown = [form.original.pk for form in formset if form.original is not None]
                if shown:
                    audit.personal_data_viewed(
                        request, model=m.Resident, objects=shown, fields=personal_fields(m.Resident)
                    )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None and can_see_personal_data(request.user):
            shown = [household.pk for household in changelist.result_list]
            if shown:
                audit.personal_data_viewed(
                    request, model=self.model, objects=shown, fields=["head_name", "head_phone"]
                )
        return response

    head_masked = masked_column("head_name", _("head of household"))
    phone_masked = masked_column("head_phone", _("phone"))
    id_number_masked = masked_column("head_id_number", _("ID number"))
    landlord_masked = masked_column("landlord_name", _("landlord"))
    landlord_phone_masked = masked_column("landlord_phone", _("landlord's phone"))
