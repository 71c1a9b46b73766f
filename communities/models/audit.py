"""The audit trail as the register shows it: django-auditlog's entries under a name of ours,
with the permissions of the audit administrator (read and export; nobody adds, changes or
deletes: communities.audit)."""

from auditlog.models import LogEntry, LogEntryManager
from django.utils.translation import gettext_lazy as _

AUDIT_READ_PERMISSION = "communities.view_auditentry"
AUDIT_EXPORT_PERMISSION = "communities.export_auditentry"


class AuditEntryManager(LogEntryManager):
    def visible_to(self, user):
        """The whole trail for the audit administrator; nothing for anyone else."""
        if user is not None and user.is_authenticated and user.has_perm(AUDIT_READ_PERMISSION):
            return self.get_queryset()
        return self.none()


class AuditEntry(LogEntry):
    objects = AuditEntryManager()

    class Meta:
        proxy = True
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-timestamp", "-pk"]
        default_permissions = ("view",)
        permissions = [("export_auditentry", _("Can export the audit trail"))]

    @property
    def event(self) -> str:
        data = self.additional_data or {}
        return data.get("event", "") if isinstance(data, dict) else ""

    @property
    def result(self) -> str:
        data = self.additional_data or {}
        return data.get("result", "ok") if isinstance(data, dict) else "ok"
