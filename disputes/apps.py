from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = _("矛盾纠纷 disputes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from communities.privacy import personal_fields
        from communities.roles import extend_role_permissions
        from communities.unmasking import register_permission
        from disputes import models as m
        from disputes.roles import DISPUTE_ROLE_PERMISSIONS, PARTY_DATA_PERMISSION

        register_permission(PARTY_DATA_PERMISSION)  # parties shown only with a stated reason

        extend_role_permissions(DISPUTE_ROLE_PERMISSIONS)
        auditlog.register(m.CalendarDay)
        auditlog.register(m.DisputeCase)
        auditlog.register(m.Party, mask_fields=list(personal_fields(m.Party)))
        auditlog.register(m.MediationSession)
        auditlog.register(m.ReturnVisit)
        from communities.notifications import register_notice_texts
        from disputes.notices import NOTICE_TEXTS

        register_notice_texts(NOTICE_TEXTS)
        import disputes.demo  # noqa: F401  (registers its step of manage.py seed_demo)
        from communities.exports import register
        from disputes.exporting import CasesExporter

        register(CasesExporter())
        from disputes.list_figures import connect

        connect()  # the list's kept figures go stale when a case changes
        from communities.guide import register_sections
        from disputes.help_sections import HELP_SECTIONS

        register_sections("disputes", HELP_SECTIONS)
        from communities.panels import CompoundPanel, register_compound_panel
        from disputes.panel import compound_panel

        # After the inspections' sections (10-30), before the watch groups (architecture 11).
        register_compound_panel(
            CompoundPanel("disputes", "disputes/compound_panel.html", compound_panel, 40)
        )
