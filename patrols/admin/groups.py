"""Admin of household-watch groups: read-only and scoped (groups are formed, changed and
dissolved on the workbench, through the services), with their households and the export.
Leaders' names and phones are masked unless the user may see personal data."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from communities.admin.readonly import ReadOnlyInline, ScopedReadOnlyAdmin
from communities.exports.admin import ExporterAdminMixin
from communities.importing.admin_flow import FileImportMixin
from communities.importing.uploads import WaitingImports
from communities.privacy import can_see_personal_data, personal_value

from ..group_exporting import EXPORTER_KEY
from ..group_importing import (
    IMPORT_PERMISSION,
    PREVIEW_HEADERS,
    groups_import,
    groups_template_bytes,
)
from ..models import WatchGroup, WatchGroupMembership
from ..watch_groups import room_address


class ActiveFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("active")), ("no", _("dissolved"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(dissolved_on__isnull=True)
        if self.value() == "no":
            return queryset.filter(dissolved_on__isnull=False)
        return queryset


class MembershipInline(ReadOnlyInline):
    model = WatchGroupMembership
    fields = ["dwelling", "joined_on", "left_on"]
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("building-unit-room"))
    def dwelling(self, obj):
        return room_address(obj.household)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("household")


MSG_IMPORTED = _("%(count)d watch groups were formed from the file.")


class GroupImportMixin(FileImportMixin):
    """Upload → preview → confirm of a file of watch groups (``patrols.group_importing``)."""

    import_permission = IMPORT_PERMISSION
    import_page_template = "admin/patrols/watchgroup/import.html"
    import_title = _("Import watch groups")
    import_file_label = _("Watch groups (.xlsx)")
    import_html_id = "group"
    import_template_filename = "watch-group-template.xlsx"
    import_waiting = WaitingImports("watch_group_files")
    preview_headers = PREVIEW_HEADERS

    def run_file_import(self, *, user, data: bytes, commit: bool):
        return groups_import(user=user, data=data, commit=commit)

    def file_import_template_bytes(self, user) -> bytes:
        return groups_template_bytes(user)

    def imported_message(self, result) -> str:
        return MSG_IMPORTED % {"count": len(result.rows)}

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_group_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)


@admin.register(WatchGroup)
class WatchGroupAdmin(GroupImportMixin, ExporterAdminMixin, ExportMixin, ScopedReadOnlyAdmin):
    exporter_key = EXPORTER_KEY
    # django-import-export's own list template shows the object tools only to users who may
    # add, and nobody adds groups here: ours lists the import and export links itself.
    import_export_change_list_template = "admin/patrols/watchgroup/change_list.html"
    list_display = ["compound", "number", "kind", "formed_on", "dissolved_on"]
    list_select_related = ["compound"]
    list_filter = [ActiveFilter, "kind"]
    search_fields = ["compound__name", "compound__code", "number"]
    fields = ["compound", "number", "kind", "formed_on", "dissolved_on"]
    inlines = [MembershipInline]

    # The leader's columns are picked per request (never state on this shared instance).
    @admin.display(description=_("leader (联户长)"))
    def leader_full(self, obj):
        return _leader(obj, shown=True)

    @admin.display(description=_("leader (联户长)"))
    def leader_masked(self, obj):
        return _leader(obj, shown=False)

    def _leader_column(self, request) -> str:
        return "leader_full" if can_see_personal_data(request.user) else "leader_masked"

    def get_list_display(self, request):
        return [*self.list_display, self._leader_column(request)]

    def get_fields(self, request, obj=None):
        return [*self.fields, self._leader_column(request)]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "leader_full", "leader_masked"]


def _leader(group: WatchGroup, *, shown: bool) -> str:
    words = [personal_value(group, f, shown=shown) for f in ("leader_name", "leader_phone")]
    return " ".join(w for w in words if w) or "—"
