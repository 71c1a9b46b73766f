"""Dispute cases in the admin: scoped, read-only, with parties masked, an .xlsx export and the
screening-ledger import.

Nothing is added, changed or deleted here, not even by a superuser: registering, accepting,
escalating and closing are services called from the workbench (or the ledger import), and the
timeline is permanent.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.admin import ScopedAdminMixin, ScopedInlineMixin
from communities.exports import get_exporter
from communities.exports.views import export_start
from communities.privacy import can_see_personal_data, mask_id_number, mask_name, mask_phone
from disputes.exporting import EXPORTER_KEY
from disputes.models import (
    CaseEvent,
    DisputeCase,
    MediationSession,
    Party,
    ReturnVisit,
    overdue_q,
)

from .ledger import LedgerImportMixin

RelatedOnly = admin.RelatedOnlyFieldListFilter
EXPORT_PERMISSION = "disputes.export_disputecase"


class ReadOnlyMixin:
    """The admin reads; the services write."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, ScopedInlineMixin, admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        # ``__str__`` of every row names its case: join it rather than fetch it row by row.
        return super().get_queryset(request).select_related("case", *self.select_related)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


PERSONAL = ["name", "phone", "id_number"]
MASKED = ["name_masked", "phone_masked", "id_number_masked"]


class PartyInline(ReadOnlyInline):
    """Names, phones and ID numbers in full only for users who may see personal data; the
    choice is made per request by picking fields, never stored on the (shared) inline."""

    model = Party
    fields = ["role", *PERSONAL]

    def get_fields(self, request, obj=None):
        return ["role", *(PERSONAL if can_see_personal_data(request.user) else MASKED)]

    @admin.display(description=pgettext_lazy("person", "name"))
    def name_masked(self, obj):
        return mask_name(obj.name)

    @admin.display(description=_("phone"))
    def phone_masked(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=_("ID number"))
    def id_number_masked(self, obj):
        return mask_id_number(obj.id_number)


class SessionInline(ReadOnlyInline):
    model = MediationSession
    fields = ["held_on", "mediators", "attendees", "agreed", "recorded_by", "recorded_at"]
    select_related = ("recorded_by",)


class ReturnVisitInline(ReadOnlyInline):
    model = ReturnVisit
    fields = ["visited_on", "satisfaction", "note", "visited_by", "recorded_at"]
    select_related = ("visited_by",)


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = [
        "at",
        "action",
        "from_status",
        "to_status",
        "from_level",
        "to_level",
        "actor",
        "handler",
        "deadline",
        "note",
    ]
    select_related = ("actor", "handler")
    verbose_name_plural = _("timeline")


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        overdue = overdue_q(timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


@admin.register(DisputeCase)
class DisputeCaseAdmin(LedgerImportMixin, ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "compound",
        "category",
        "level",
        "status",
        "deadline",
        "overdue",
        "handler",
    ]
    list_filter = [
        "status",
        "level",
        "category",
        "source",
        OverdueFilter,
        ("street", RelatedOnly),
        ("compound", RelatedOnly),
    ]
    search_fields = ["number", "description"]
    # Filtering on parties (their names, phones, ID numbers) is refused to users who may not
    # see personal data: a URL filter would confirm guesses.
    personal_fields = ("parties",)
    actions = ["export_xlsx"]
    inlines = [PartyInline, SessionInline, ReturnVisitInline, CaseEventInline]
    change_list_template = "admin/disputes/disputecase/change_list.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "workbench",
                    "street",
                    "compound",
                    "category",
                    "source",
                    "description",
                    "amount",
                    "level",
                    "status",
                    "overdue",
                    "registered_at",
                    "registered_by",
                ]
            },
        ),
        (
            _("The four fixes (四定)"),
            {"fields": ["leader", "handler", "plan", "deadline", "escalations"]},
        ),
        (
            _("How it ended"),
            {
                "fields": [
                    "outcome",
                    "agreement_reached",
                    "agreement",
                    "referred_to",
                    "referred_where",
                    "closed_at",
                    "satisfaction",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    def has_export_permission(self, request) -> bool:  # the action's ``permissions=["export"]``
        return request.user.has_perm(EXPORT_PERMISSION)

    def get_queryset(self, request):
        # Joined here, not by ``list_select_related``: the change list skips that as soon as
        # the queryset selects anything related.
        return (
            super()
            .get_queryset(request)
            .select_related("street", "compound", "handler", "leader", "registered_by")
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_ledger_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()

    @admin.display(description=_("workbench"))
    def workbench(self, obj):
        """Every change is made there: accepting, mediating, escalating, closing."""
        url = reverse("disputes:case_detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open the case on the workbench"))

    @admin.display(description=_("mediation agreement"))
    def agreement(self, obj):
        # Through the workbench's scoped download, never the file's media URL.
        if not obj.agreement_file:
            return "—"
        url = reverse("disputes:agreement", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    @admin.action(
        description=_("Export the selected cases with their figures (.xlsx)"),
        permissions=["export"],
    )
    def export_xlsx(self, request, queryset):
        # The shared export path: the file at once, or a job and its progress page.
        pks = list(queryset.values_list("pk", flat=True))
        return export_start(request, get_exporter(EXPORTER_KEY), {"pks": pks})
