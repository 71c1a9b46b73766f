"""Dispute cases in the admin: scoped, read-only, with parties masked, an .xlsx export and the
screening-ledger import.

Nothing is added, changed or deleted here, not even by a superuser: registering, accepting,
escalating and closing are services called from the workbench (or the ledger import), and the
timeline is permanent.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities import audit, search
from communities.admin import ScopedAdminMixin, masked_column
from communities.admin.autocomplete_filter import AutocompleteFilter
from communities.admin.pair_search import search_words
from communities.admin.readonly import OverdueFilter, ReadOnlyInline, ReadOnlyMixin
from communities.admin.scoped_filter import ScopedPlaceFilter
from communities.admin.timeline import TimelineColumnsMixin, person_column, short_date_column
from communities.exports import get_exporter
from communities.exports.views import export_start
from communities.privacy import personal_fields
from disputes.exporting import EXPORTER_KEY
from disputes.models import (
    CaseEvent,
    DisputeCase,
    MediationSession,
    Party,
    ReturnVisit,
)

from .ledger import LedgerImportMixin
from .masking import MaskedTextsMixin, SessionPresentMixin, masked_text_column, shows_parties_of

EXPORT_PERMISSION = "disputes.export_disputecase"


class CaseInline(ReadOnlyInline):
    select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        # ``__str__`` of every row names its case: join it rather than fetch it row by row.
        return super().get_queryset(request).select_related("case", *self.select_related)


PERSONAL = list(personal_fields(Party))
MASKED = ["name_masked", "phone_masked", "id_number_masked"]


class PartyInline(CaseInline):
    """Names, phones and ID numbers in full only for users shown the case's parties
    (``shows_parties``: the role, and 回避); the choice is made per request and case by
    picking fields, never stored on the (shared) inline."""

    model = Party
    fields = ["role", *PERSONAL]

    def get_fields(self, request, obj=None):
        return ["role", *(PERSONAL if shows_parties_of(request.user, obj) else MASKED)]

    name_masked = masked_column("name", pgettext_lazy("person", "name"))
    phone_masked = masked_column("phone", _("phone"))
    id_number_masked = masked_column("id_number", _("ID number"))


class SessionInline(SessionPresentMixin, MaskedTextsMixin, CaseInline):
    model = MediationSession
    fields = ["held_on", "mediators", "present", "agreed", "recorded_by_name", "recorded_at"]
    select_related = ("recorded_by",)
    masked_texts = ("mediators", "present", "agreed")
    mediators_masked = masked_text_column("mediators", _("mediators"))
    agreed_masked = masked_text_column("agreed", _("what was agreed"))
    recorded_by_name = person_column(MediationSession, "recorded_by")


class ReturnVisitInline(MaskedTextsMixin, CaseInline):
    model = ReturnVisit
    fields = ["visited_on", "satisfaction", "note", "visited_by_name", "recorded_at"]
    select_related = ("visited_by",)
    masked_texts = ("note",)
    note_masked = masked_text_column("note", _("note"))
    visited_by_name = person_column(ReturnVisit, "visited_by")


class CaseEventInline(MaskedTextsMixin, TimelineColumnsMixin, CaseInline):
    model = CaseEvent
    masked_texts = ("note",)
    note_masked = masked_text_column("note", _("note"))
    fields = [
        "at",
        "action_label",
        "from_label",
        "to_label",
        "from_level_label",
        "to_level_label",
        "actor_name",
        "handler_name",
        "deadline",
        "note",
    ]
    select_related = ("actor", "handler")
    verbose_name_plural = _("timeline")
    handler_name = person_column(CaseEvent, "handler")

    @admin.display(description=CaseEvent._meta.get_field("from_level").verbose_name)
    def from_level_label(self, obj):
        return obj.from_level_label or "—"

    @admin.display(description=CaseEvent._meta.get_field("to_level").verbose_name)
    def to_level_label(self, obj):
        return obj.to_level_label or "—"


AGREEMENT_WITHHELD = _(
    "On file. It names the parties in full, so only accounts that may see personal data "
    "download it."
)


#: The fields ``DisputeCaseAdmin.get_search_results`` reads through indexes; a search field
#: beyond them makes it Django's search again.
INDEXED_SEARCH = {"number", "description", "compound__name"}


@admin.register(DisputeCase)
class DisputeCaseAdmin(
    MaskedTextsMixin, LedgerImportMixin, ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin
):
    # The parties' names in these texts are masked for users who may not see personal data.
    masked_texts = ("description", "plan", "outcome", "referred_where", "agreement")
    description_masked = masked_text_column("description", pgettext_lazy("dispute", "description"))
    plan_masked = masked_text_column("plan", _("plan (方案)"))
    outcome_masked = masked_text_column("outcome", _("outcome"))
    referred_where_masked = masked_text_column("referred_where", _("where"))
    list_display = [
        "number",
        "compound",
        "category",
        "level",
        "status",
        "deadline_day",
        "overdue",
        "handler_name",
    ]
    list_filter = [
        "status",
        "level",
        "category",
        "source",
        OverdueFilter,
        ("street", ScopedPlaceFilter),
        ("compound", AutocompleteFilter),
    ]
    search_fields = ["number", "description", "compound__name"]
    # Filtering on parties (their names, phones, ID numbers) is refused to users who may not
    # see personal data: a URL filter would confirm guesses.
    personal_lookups = ("parties",)
    actions = ["export_xlsx"]
    inlines = [PartyInline, SessionInline, ReturnVisitInline, CaseEventInline]
    change_list_template = "admin/disputes/disputecase/change_list.html"
    object_select_related = ("street", "leader", "registered_by")

    def get_search_results(self, request, queryset, search_term):
        """Django's search (every word in one of the fields: the number, the description for
        who may search it, the compound's name) read through the description's and the number's
        pair indexes and the matching compounds' ids, as the workbench's list searches: a
        common word's scan of 300,000 descriptions took 0.3 s."""
        fields = self.get_search_fields(request)
        if not search.indexed() or not search_term.strip() or set(fields) - INDEXED_SEARCH:
            return super().get_search_results(request, queryset, search_term)
        for word in search_words(search_term):
            texts = [name for name in ("number", "description") if name in fields]
            parts = [search.text_part(name, word) for name in texts]
            if "compound__name" in fields:
                parts.append(search.compound_part(request.user, word))
            queryset = queryset.filter(search.any_of(*parts))
        return queryset, False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        case = (getattr(response, "context_data", None) or {}).get("original")
        if case is not None and shows_parties_of(request.user, case) and case.parties.exists():
            audit.personal_data_viewed(request, target=case, fields=["name", "phone", "id_number"])
        return response

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
                    "registered_by_name",
                ]
            },
        ),
        (
            _("The four fixes (四定)"),
            {"fields": ["leader_name", "handler_name", "plan", "deadline", "escalations"]},
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

    registered_by_name = person_column(DisputeCase, "registered_by")
    leader_name = person_column(DisputeCase, "leader")
    handler_name = person_column(DisputeCase, "handler")
    deadline_day = short_date_column(DisputeCase, "deadline")

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    def has_export_permission(self, request) -> bool:  # the action's ``permissions=["export"]``
        return request.user.has_perm(EXPORT_PERMISSION)

    def get_queryset(self, request):
        # Joined here, not by ``list_select_related``: the change list skips that as soon as
        # the queryset selects anything related. Only what the list shows: with the street,
        # the leader and the registrar joined as well, PostgreSQL spent 16–27 ms planning
        # each page (nine tables, three of them outer joins) to read 50 rows in 1.5 ms. The
        # case's page joins them (``object_select_related``).
        return super().get_queryset(request).select_related("compound", "handler")

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

    @admin.display(description=_("mediation agreement"))
    def agreement_masked(self, obj):
        # The signed agreement names the parties in full: only for who may see personal data.
        if not obj.agreement_file:
            return "—"
        return AGREEMENT_WITHHELD

    @admin.action(
        description=_("Export the selected cases with their figures (.xlsx)"),
        permissions=["export"],
    )
    def export_xlsx(self, request, queryset):
        # The shared export path: the file at once, or a job and its progress page.
        pks = list(queryset.values_list("pk", flat=True))
        return export_start(request, get_exporter(EXPORTER_KEY), {"pks": pks})
