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
        from inspections.list_figures import connect

        connect()  # the hazard list's kept figures go stale when a hazard changes
        from communities.guide import register_sections
        from inspections.help_sections import HELP_SECTIONS

        register_sections("inspections", HELP_SECTIONS)
        from communities.panels import CompoundPanel, register_compound_panel
        from inspections import panel

        # The compound page's sections, first of all (architecture 10.8, the order in
        # docs/architecture.md section 1): checks, hazards, key management.
        for name, template, context, order in (
            ("inspections.checks", "checks", panel.checks_panel, 10),
            ("inspections.hazards", "hazards", panel.hazards_panel, 20),
            ("inspections.key_management", "key_management", panel.key_management_panel, 30),
        ):
            register_compound_panel(
                CompoundPanel(name, f"inspections/panels/{template}.html", context, order)
            )
