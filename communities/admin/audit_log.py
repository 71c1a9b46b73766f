"""The global audit log (django-auditlog's LogEntry admin) is not scoped: it is for operators.

For anyone else every entry is a 404, existing or not, so nobody can tell which ids exist;
people read an object's own history through its scoped admin page instead."""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.http import Http404


class OperatorsLogEntryAdmin(LogEntryAdmin):
    def get_object(self, request, object_id, from_field=None):
        if not request.user.is_superuser:
            raise Http404
        return super().get_object(request, object_id, from_field)


if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
admin.site.register(LogEntry, OperatorsLogEntryAdmin)
