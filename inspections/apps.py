from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("三有/六好 compliance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from communities.roles import extend_role_permissions
        from inspections import models as m
        from inspections.roles import INSPECTION_ROLE_PERMISSIONS

        extend_role_permissions(INSPECTION_ROLE_PERMISSIONS)
        for model in (
            m.ChecklistTemplate,
            m.ChecklistSection,
            m.ChecklistItem,
            m.Inspection,
            m.Answer,
            m.Hazard,
            m.KeyManagement,
        ):
            auditlog.register(model)
        from communities.notifications import register_notice_texts
        from inspections.notices import NOTICE_TEXTS

        register_notice_texts(NOTICE_TEXTS)
        import inspections.demo  # noqa: F401  (registers its step of manage.py seed_demo)
        from communities.exports import register
        from inspections.exporting import HazardsExporter, InspectionsExporter

        register(InspectionsExporter())
        register(HazardsExporter())
        from communities.guide import register_sections
        from inspections.help_sections import HELP_SECTIONS

        register_sections("inspections", HELP_SECTIONS)
