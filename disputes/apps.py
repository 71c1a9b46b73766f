from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = _("矛盾纠纷 disputes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from communities.models import OrganisationKind, Role
        from communities.roles import extend_role_permissions
        from disputes.models import CalendarDay

        calendar = {f"disputes.{a}_calendarday" for a in ("add", "change", "delete", "view")}
        extend_role_permissions(
            {
                (OrganisationKind.BUREAU, Role.ADMIN): calendar,
                (OrganisationKind.BUREAU, Role.STAFF): {"disputes.view_calendarday"},
            }
        )
        auditlog.register(CalendarDay)
