"""Hazards and key management in the admin: scoped; putting on/off by hand via services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from communities.admin import ScopedAdminMixin
from communities.admin.readonly import (
    OverdueFilter,
    ReadOnlyInline,
    ReadOnlyMixin,
    ScopedReadOnlyAdmin,
)
from communities.admin.timeline import (
    TimelineColumnsMixin,
    TimelineStatusFilter,
    person_column,
    short_date_column,
)
from communities.models import Compound
from inspections import models as m
from inspections import services
from inspections.errors import WorkflowError

from .common import STREET, ExportOnlyMixin

MSG_NONE_ACTIVE = _("None of these is under key management now.")


class HazardEventInline(TimelineColumnsMixin, ReadOnlyInline):
    model = m.HazardEvent
    fields = ["at", "action_label", "from_label", "to_label", "actor_name", "deadline", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(m.Hazard)
class HazardAdmin(ReadOnlyMixin, ScopedAdminMixin, ExportOnlyMixin, admin.ModelAdmin):
    exporter_key = "inspections.hazards"
    list_display = [
        "compound",
        "category",
        "severity",
        "status",
        "deadline_day",
        "overdue",
        "source",
        "raised_on",
    ]
    list_select_related = ["compound"]
    list_filter = ["status", OverdueFilter, "category", "severity", "source", STREET]
    search_fields = ["compound__name", "compound__code", "description", "responsible_party"]
    inlines = [HazardEventInline]
    fields = [
        "compound",
        "source",
        "inspection",
        "answer",
        "category",
        "severity",
        "description",
        "responsible_party",
        "deadline",
        "status",
        "raised_by_name",
        "created_at",
        "rectification_note",
        "rectified_at",
        "rectified_by_name",
        "verified_at",
        "verified_by_name",
    ]
    raised_by_name = person_column(m.Hazard, "raised_by")
    rectified_by_name = person_column(m.Hazard, "rectified_by")
    verified_by_name = person_column(m.Hazard, "verified_by")

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()

    deadline_day = short_date_column(m.Hazard, "deadline")
    raised_on = short_date_column(m.Hazard, "created_at", description=_("raised on"))


@admin.register(m.HazardEvent)
class HazardEventAdmin(TimelineColumnsMixin, ScopedReadOnlyAdmin):
    list_display = [
        "hazard",
        "action_label",
        "from_label",
        "to_label",
        "actor_name",
        "deadline_day",
        "at_time",
    ]
    list_select_related = ["hazard__compound", "actor"]
    ordering = ["-at", "-pk"]  # a log: the newest step first
    list_filter = ["action", TimelineStatusFilter]
    search_fields = ["hazard__compound__name", "hazard__compound__code", "note"]
    deadline_day = short_date_column(m.HazardEvent, "deadline")
    at_time = short_date_column(m.HazardEvent, "at", with_time=True)
    fields = [
        "hazard",
        "action_label",
        "from_label",
        "to_label",
        "actor_name",
        "at",
        "deadline",
        "note",
    ]


# --- key management -----------------------------------------------------------------------------


class ActiveFilter(admin.SimpleListFilter):
    title = _("under key management now")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(ended_on__isnull=self.value() == "yes")
        return queryset


class ByHandFilter(admin.SimpleListFilter):
    title = _("entered")
    parameter_name = "entered"

    def lookups(self, request, model_admin):
        return [("rule", _("by the rule")), ("hand", _("by hand"))]

    def queryset(self, request, queryset):
        if self.value() in ("rule", "hand"):
            return queryset.filter(started_by__isnull=self.value() == "rule")
        return queryset


class EnterForm(forms.Form):
    # Chosen by typing (the admin's autocomplete, scoped by the compound admin's queryset): a
    # select of every compound would list the whole province.
    compound = forms.ModelChoiceField(
        queryset=Compound.objects.none(),
        label=_("compound"),
        widget=AutocompleteSelect(m.KeyManagement._meta.get_field("compound"), admin.site),
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        active = m.KeyManagement.objects.active().values("compound_id")
        self.fields["compound"].queryset = (
            Compound.objects.visible_to(user).exclude(pk__in=active).order_by("code")
        )


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(m.KeyManagement)
class KeyManagementAdmin(ScopedReadOnlyAdmin):
    list_display = [
        "compound",
        "started_day",
        "start_reason",
        "started_by_name",
        "ended_day",
        "end_reason",
        "ended_by_name",
    ]
    list_select_related = ["compound", "started_by", "ended_by"]
    list_filter = [ActiveFilter, ByHandFilter, STREET]
    search_fields = ["compound__name", "compound__code", "start_reason", "end_reason"]
    actions = ["take_off"]
    change_list_template = "admin/inspections/keymanagement/change_list.html"
    fields = [
        "compound",
        "started_on",
        "start_reason",
        "started_by_name",
        "ended_on",
        "end_reason",
        "ended_by_name",
    ]
    started_by_name = person_column(m.KeyManagement, "started_by", system=True)
    started_day = short_date_column(m.KeyManagement, "started_on")
    ended_day = short_date_column(m.KeyManagement, "ended_on")
    ended_by_name = person_column(m.KeyManagement, "ended_by")

    @staticmethod
    def may_manage(request) -> bool:
        return request.user.has_perm("inspections.manage_keymanagement")

    def has_manage_permission(self, request) -> bool:  # the actions' ``permissions=["manage"]``
        return self.may_manage(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_manage": self.may_manage(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        enter = path(
            "enter/",
            self.admin_site.admin_view(self.enter_view),
            name="inspections_keymanagement_enter",
        )
        return [enter, *super().get_urls()]

    def _page(self, request, title: str, form, **context) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "opts": self.model._meta,
            **context,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/inspections/keymanagement/form.html", context)

    def enter_view(self, request):
        """Put a compound under key management by hand, with a reason (the service decides)."""
        if not self.may_manage(request):
            raise PermissionDenied
        form = EnterForm(request.POST or None, user=request.user)
        if form.is_valid():
            try:
                spell = services.key_management_enter(
                    compound=form.cleaned_data["compound"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except WorkflowError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(
                    request,
                    _("%(compound)s is under key management.") % {"compound": spell.compound},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:inspections_keymanagement_changelist"))
        return self._page(request, _("Put a compound under key management"), form)

    @admin.action(description=_("Take off key management (with a reason)"), permissions=["manage"])
    def take_off(self, request, queryset):
        spells = list(queryset.active().select_related("compound"))
        if not spells:
            self.message_user(request, MSG_NONE_ACTIVE, messages.ERROR)
            return None
        form = LeaveForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for spell in spells:
                try:
                    services.key_management_leave(
                        compound=spell.compound,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except WorkflowError as error:
                    self.message_user(request, f"{spell.compound}: {error.message}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("%(compound)s is off key management.") % {"compound": spell.compound},
                        messages.SUCCESS,
                    )
            return None
        return self._page(
            request,
            _("Take off key management"),
            form,
            spells=spells,
            action="take_off",
            selected=request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        )
