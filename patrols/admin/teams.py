"""Admin: patrol teams (members and weekly plan inline) and patrol logs (findings inline).

Scoped like the register (``ScopedAdminMixin``: a team outside the scope is a 404) and read
only: teams, members, plans and logs are written by the services on the workbench, where the
rules live (the compounds in the organisation's area, the times of a patrol, one under way per
team). Leaders' and members' names and phones are shown masked unless the reader sees the
team's people in full (``patrols.team_privacy``); they are left out of the search.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from communities.admin.autocomplete_filter import AutocompleteFilter
from communities.admin.month_filter import MonthFilter
from communities.admin.readonly import ReadOnlyInline, ScopedReadOnlyAdmin
from communities.exports.admin import ExporterAdminMixin
from communities.privacy import personal_value
from patrols.list_figures import kept
from patrols.models import PatrolFinding, PatrolLog, PatrolPlanSlot, PatrolTeam, TeamMember
from patrols.team_exporting import LOGS_EXPORTER_KEY, TEAMS_EXPORTER_KEY
from patrols.team_privacy import annotate_people_shown


def person_column(field: str, description):
    """A leader's or member's name or phone as this reader sees it: the row carries
    ``people_shown`` (``annotate_people_shown`` in ``get_queryset``)."""

    @admin.display(description=description)
    def column(self, obj):
        return personal_value(obj, field, shown=bool(getattr(obj, "people_shown", False)))

    return column


class PeopleShownMixin:
    def get_queryset(self, request):
        return annotate_people_shown(super().get_queryset(request), request.user)


class MemberInline(PeopleShownMixin, ReadOnlyInline):
    model = TeamMember
    fields = ["member_name", "member_phone", "category", "joined_on", "left_on"]
    member_name = person_column("name", _("name"))
    member_phone = person_column("phone", _("phone"))


class PlanInline(ReadOnlyInline):
    model = PatrolPlanSlot
    fields = ["weekday", "starts", "ends"]


@admin.register(PatrolTeam)
class PatrolTeamAdmin(PeopleShownMixin, ExporterAdminMixin, ExportMixin, ScopedReadOnlyAdmin):
    exporter_key = TEAMS_EXPORTER_KEY
    list_display = ["name", "organisation", "kind", "leader", "active"]
    list_select_related = ["organisation"]
    list_filter = ["kind", "active", ("organisation", AutocompleteFilter)]
    search_fields = ["name", "organisation__name"]
    fields = ["name", "organisation", "kind", "leader", "leader_phone_shown", "compounds", "active"]
    inlines = [MemberInline, PlanInline]
    leader = person_column("leader_name", _("team leader"))
    leader_phone_shown = person_column("leader_phone", _("phone"))

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class FindingInline(ReadOnlyInline):
    model = PatrolFinding
    fk_name = "log"
    fields = ["compound", "description", "hazard_link"]

    @admin.display(description=_("hazard raised"))
    def hazard_link(self, obj):
        if not obj.hazard_id:
            return "—"
        url = reverse("inspections:hazard_detail", args=[obj.hazard_id])
        return format_html('<a href="{}">{}</a>', url, _("Hazard"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("compound")


class LogMonthFilter(MonthFilter):
    """The month a patrol started (Asia/Shanghai)."""

    field = "started_at"

    def keep(self, request, model_admin, compute):
        return kept(request.user, "admin-months", (), compute)


@admin.register(PatrolLog)
class PatrolLogAdmin(ExporterAdminMixin, ExportMixin, ScopedReadOnlyAdmin):
    exporter_key = LOGS_EXPORTER_KEY
    list_display = ["__str__", "team", "started_at", "ended_at"]
    list_select_related = ["team"]
    # by month, not ``date_hierarchy``: its distinct months of a province's logs were read on
    # every view (70 ms); these are kept until a log changes
    list_filter = [LogMonthFilter, "team__kind", ("team", AutocompleteFilter)]
    search_fields = ["team__name", "route", "area"]
    fields = ["team", "started_at", "ended_at", "compounds", "area", "route", "created_by"]
    inlines = [FindingInline]
