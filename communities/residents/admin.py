"""Residents in the admin: read-only and scoped (residents are added, corrected and moved out
on the workbench, through the services), with the roster import and the residents export.

Names, ID numbers and phones show in full only to users who may see personal data
(``can_see_personal_data``); the columns and fields are picked per request, never kept on this
shared admin instance, and search matches personal fields only for those users. A page showing
personal data in full is recorded in the audit trail before it leaves.
"""

from django.contrib import admin
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export.admin import ExportMixin

from communities import audit, search
from communities.admin.autocomplete_filter import AutocompleteFilter
from communities.admin.pair_search import PairSearchMixin
from communities.admin.readonly import ReadOnlyInline, ScopedReadOnlyAdmin
from communities.admin.scoped import masked_column
from communities.admin.timeline import person_column, short_date_column
from communities.exports.admin import ExporterAdminMixin
from communities.importing.admin_flow import FileImportMixin
from communities.importing.uploads import WaitingImports
from communities.models import Household, Resident
from communities.privacy import can_see_personal_data, personal_fields

from .exporting import RESIDENTS_KEY
from .importing import (
    IMPORT_PERMISSION,
    PREVIEW_HEADERS,
    residents_import,
    residents_template_bytes,
)

PERSONAL_FIELDS = list(personal_fields(Resident))  # name, id_number, phone
MASKED_FIELDS = ["name_masked", "id_number_masked", "phone_masked"]
LIST_PERSONAL = ["name", "id_number"]
LIST_MASKED = ["name_masked", "id_number_masked"]
HOME_FIELDS = ["household__building", "household__room"]
SEARCH_FIELDS = ["household__compound__name", "household__compound__code", *HOME_FIELDS]


def dwelling(household) -> str:
    return "-".join(part for part in (household.building, household.unit, household.room) if part)


class PersonalColumnsMixin:
    """Personal data masked unless the user may see it in full: a choice made per request."""

    name_masked = masked_column("name", pgettext_lazy("person", "name"))
    id_number_masked = masked_column("id_number", _("document number"))
    phone_masked = masked_column("phone", _("phone"))

    @staticmethod
    def shows_personal_data(request) -> bool:
        return can_see_personal_data(request.user)


class PresentFilter(admin.SimpleListFilter):
    title = _("living here")
    parameter_name = "present"

    def lookups(self, request, model_admin):
        return [("yes", _("living here")), ("no", _("moved out"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(moved_out__isnull=True)
        if self.value() == "no":
            return queryset.filter(moved_out__isnull=False)
        return queryset


MSG_IMPORTED = _("%(count)d residents were added from the roster.")


class ResidentImportMixin(FileImportMixin):
    """Upload → preview → confirm of a roster (``communities.residents.importing``)."""

    import_permission = IMPORT_PERMISSION
    import_page_template = "admin/communities/resident/import.html"
    import_title = _("Import residents")
    import_file_label = _("Roster of residents (.xlsx)")
    import_html_id = "resident"
    import_template_filename = "resident-template.xlsx"
    import_waiting = WaitingImports("resident_import_files")
    preview_headers = PREVIEW_HEADERS

    def run_file_import(self, *, user, data: bytes, commit: bool):
        return residents_import(user=user, data=data, commit=commit)

    def file_import_template_bytes(self, user) -> bytes:
        return residents_template_bytes(user)

    def imported_message(self, result) -> str:
        return MSG_IMPORTED % {"count": len(result.rows)}


@admin.register(Resident)
class ResidentAdmin(
    PairSearchMixin,
    PersonalColumnsMixin,
    ResidentImportMixin,
    ExporterAdminMixin,
    ExportMixin,
    ScopedReadOnlyAdmin,
):
    exporter_key = RESIDENTS_KEY  # the change list's rows, on the shared export path
    row_columns = Resident.search_columns
    compound_path = "household__compound"
    # The whole change list (import links, export button, Django's own tools): not on top of
    # django-import-export's, which shows the tools above only to users who may add.
    import_export_change_list_template = "admin/communities/resident/change_list.html"
    list_display_start = ["compound", "home"]
    list_display_end = [
        "kind",
        "relation",
        "moved_in_day",
        "moved_out_day",
        "registered_on_day",
        "permit_expires_day",
    ]
    list_display_links = ["home"]
    list_select_related = ["household__compound"]
    list_filter = [
        "kind",
        "relation",
        PresentFilter,
        ("household__compound", AutocompleteFilter),
    ]
    ordering = ["household__compound__code", "household__building", "household__room", "pk"]
    fields_start = ["household"]
    fields_end = [
        "document_type",
        "kind",
        "relation",
        "moved_in",
        "moved_out",
        "registered_on",
        "registered_by",
        "permit_expires",
        "recorded_by",
    ]

    moved_in_day = short_date_column(Resident, "moved_in")
    moved_out_day = short_date_column(Resident, "moved_out")
    registered_on_day = short_date_column(Resident, "registered_on")
    permit_expires_day = short_date_column(Resident, "permit_expires")
    recorded_by = person_column(Resident, "created_by")

    @admin.display(description=_("compound"), ordering="household__compound__code")
    def compound(self, obj):
        return obj.household.compound

    @admin.display(description=_("building-unit-room"), ordering="household__building")
    def home(self, obj):
        return dwelling(obj.household)

    def get_list_display(self, request):
        personal = LIST_PERSONAL if self.shows_personal_data(request) else LIST_MASKED
        return [*self.list_display_start, *personal, *self.list_display_end]

    def get_search_fields(self, request):
        if self.shows_personal_data(request):
            return [*SEARCH_FIELDS, *PERSONAL_FIELDS]
        return SEARCH_FIELDS

    def word_parts(self, request, fields, word):
        # The home's building and room: the user's households holding the word, read from their
        # own pair index, then carried as ids.
        home = [field.removeprefix("household__") for field in fields if field in HOME_FIELDS]
        homes = Household.objects.visible_to(request.user).filter(
            search.any_of(search.row_part(Household.search_columns, home, word))
        )
        joined = Q()
        for field in home:
            joined |= Q(**{f"household__{field}__icontains": word})
        return [
            *super().word_parts(request, fields, word),
            search.ids_part(homes, "household", joined),
        ]

    def get_fields(self, request, obj=None):
        personal = PERSONAL_FIELDS if self.shows_personal_data(request) else MASKED_FIELDS
        return [*self.fields_start, *personal, *self.fields_end]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        resident = (getattr(response, "context_data", None) or {}).get("original")
        if resident is not None and self.shows_personal_data(request):
            audit.personal_data_viewed(request, target=resident, fields=PERSONAL_FIELDS)
        return response

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_resident_import_permission": self.has_import_permission(request),
        }
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None and self.shows_personal_data(request):
            shown = [resident.pk for resident in changelist.result_list]
            if shown:
                audit.personal_data_viewed(
                    request, model=Resident, objects=shown, fields=LIST_PERSONAL
                )
        return response


class ResidentInline(PersonalColumnsMixin, ReadOnlyInline):
    """A household's residents on its admin page: read-only, those living there first."""

    model = Resident
    fields_end = ["document_type", "kind", "relation", "moved_in", "moved_out", "permit_expires"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by(F("moved_out").desc(nulls_first=True), "pk")

    def get_fields(self, request, obj=None):
        personal = PERSONAL_FIELDS if self.shows_personal_data(request) else MASKED_FIELDS
        return [*personal, *self.fields_end]
