"""The audit trail in the admin, for the audit administrator (and nobody else): searched by
user, object, address or request id, filtered by event, result, kind of record and date, and
exported. Read only: nobody adds, changes or deletes an entry here (communities.audit)."""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export.admin import ExportMixin

from communities import audit
from communities.exports.admin import AdminExporter, ExporterAdminMixin
from communities.exports.base import TEXT, Column, ExportContext, Sheet, register
from communities.models import AuditEntry
from communities.models.audit import AUDIT_EXPORT_PERMISSION, AUDIT_READ_PERMISSION


def entry_event(entry) -> str:
    """The entry's event in words: a login, an export… or the change django-auditlog logged."""
    if entry.event:
        return str(audit.EVENT_LABELS.get(entry.event, entry.event))
    return str(entry.get_action_display())


def entry_result(entry) -> str:
    return str(audit.RESULT_LABELS.get(entry.result, entry.result))


def entry_time(entry) -> str:
    """The moment with its zone: 2026-12-06 14:03:05 +08:00."""
    local = timezone.localtime(entry.timestamp)
    return f"{local:%Y-%m-%d %H:%M:%S} {local:%z}"[:-2] + ":" + f"{local:%z}"[-2:]


def entry_details(entry) -> str:
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    shown = {k: v for k, v in data.items() if k not in ("event", "result") and v not in ("", None)}
    changes = entry.changes_text or ""
    parts = [f"{key}={value}" for key, value in sorted(shown.items())]
    if entry.changes:
        parts.append(str(entry.changes))
    elif changes:
        parts.append(changes)
    return "; ".join(parts)


class EventFilter(admin.SimpleListFilter):
    title = pgettext_lazy("audit", "event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return list(audit.EVENT_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in audit.EVENT_LABELS:
            return queryset.filter(additional_data__event=self.value())
        return queryset


class ResultFilter(admin.SimpleListFilter):
    title = pgettext_lazy("audit", "result")
    parameter_name = "result"

    def lookups(self, request, model_admin):
        return list(audit.RESULT_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in (audit.FAILED, audit.REFUSED):
            return queryset.filter(additional_data__result=self.value())
        if self.value() == audit.OK:
            return queryset.exclude(additional_data__result__in=[audit.FAILED, audit.REFUSED])
        return queryset


class AuditTrailExporter(AdminExporter):
    key = "communities.auditentry"
    title = _("Audit trail")
    permission = AUDIT_EXPORT_PERMISSION
    filename = "AuditTrail"
    download_name = _("audit trail")
    formats = ("xlsx", "csv")
    model = AuditEntry
    columns = [
        Column(pgettext_lazy("audit", "time"), 22, TEXT),
        Column(pgettext_lazy("audit", "user"), 14),
        Column(pgettext_lazy("audit", "address"), 16),
        Column(pgettext_lazy("audit", "event"), 14),
        Column(pgettext_lazy("audit", "kind of record"), 14),
        Column(pgettext_lazy("audit", "object id"), 10),
        Column(pgettext_lazy("audit", "object"), 30),
        Column(pgettext_lazy("audit", "result"), 8),
        Column(pgettext_lazy("audit", "request id"), 34),
        Column(pgettext_lazy("audit", "details"), 60),
    ]

    def queryset(self, ctx: ExportContext):
        return super().queryset(ctx).select_related("content_type", "actor")

    def sheets(self, ctx: ExportContext) -> list[Sheet]:
        return [
            Sheet(
                title=str(_("Audit trail")),
                columns=[Column(str(c.header), c.width, c.kind) for c in self.columns],
                rows=(self._row(entry) for entry in self.queryset(ctx).iterator(2000)),
                counted=True,
            )
        ]

    @staticmethod
    def _row(entry) -> list:
        return [
            entry_time(entry),
            entry.actor.get_username() if entry.actor else (entry.actor_email or ""),
            entry.remote_addr or "",
            entry_event(entry),
            entry.content_type.name if entry.content_type_id else "",
            entry.object_pk,
            entry.object_repr,
            entry_result(entry),
            entry.cid or "",
            entry_details(entry),
        ]


# Times are written as text with their zone (2026-12-06 14:03:05 +08:00), as an assessor reads
# them, not as date cells.
register(AuditTrailExporter())


class AuditTrailAdmin(ExporterAdminMixin, ExportMixin, LogEntryAdmin):
    exporter_key = AuditTrailExporter.key
    list_display = ["when", "actor_name", "remote_addr", "event", "resource", "result", "cid"]
    list_filter = [EventFilter, ResultFilter, "action", "content_type"]
    search_fields = [
        "object_repr",
        "object_pk",
        "actor__username",
        "actor__first_name",
        "remote_addr",
        "cid",
    ]
    date_hierarchy = "timestamp"
    list_select_related = ["content_type", "actor"]
    show_full_result_count = False

    def get_queryset(self, request):
        self.request = request
        return AuditEntry.objects.visible_to(request.user).select_related("content_type", "actor")

    def get_object(self, request, object_id, from_field=None):
        """Out of reach and missing alike: a 404 (never the admin's redirect, which would
        differ from a login's)."""
        entry = super().get_object(request, object_id, from_field)
        if entry is None:
            raise Http404
        return entry

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(AUDIT_READ_PERMISSION)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}

    @admin.display(description=pgettext_lazy("audit", "time"), ordering="timestamp")
    def when(self, entry):
        return entry_time(entry)

    @admin.display(description=pgettext_lazy("audit", "user"), ordering="actor__username")
    def actor_name(self, entry):
        return entry.actor.get_username() if entry.actor else (entry.actor_email or "—")

    @admin.display(description=pgettext_lazy("audit", "event"))
    def event(self, entry):
        return entry_event(entry)

    @admin.display(description=pgettext_lazy("audit", "object"))
    def resource(self, entry):
        kind = entry.content_type.name if entry.content_type_id else ""
        return f"{kind} · {entry.object_repr}" if kind else entry.object_repr

    @admin.display(description=pgettext_lazy("audit", "result"))
    def result(self, entry):
        return entry_result(entry)


if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
admin.site.register(AuditEntry, AuditTrailAdmin)
