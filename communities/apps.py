from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs) -> None:
    """After migrate, once every app's permissions exist: post_migrate is sent per app with
    models, in INSTALLED_APPS order, and permissions are created by each app's own signal."""
    from django.apps import apps

    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is not last:
        return
    from communities.roles import roles_sync

    roles_sync()


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Register")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from communities import models as m
        from communities.privacy import personal_fields

        for model in (
            m.District,
            m.Street,
            m.Community,
            m.Compound,
            m.PropertyCompany,
            m.ManagementTerm,
            m.Organisation,
            m.Membership,
        ):
            auditlog.register(model)
        auditlog.register(m.Household, mask_fields=list(personal_fields(m.Household)))
        auditlog.register(m.Activity)
        auditlog.register(m.ActivityPhoto, exclude_fields=["thumbnail"])
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        # Who changed whose account and permissions (never the password hash itself).
        auditlog.register(
            get_user_model(),
            exclude_fields=["password", "last_login"],
            m2m_fields={"groups", "user_permissions"},
        )
        auditlog.register(Group, m2m_fields={"permissions"})
        from communities.audit import receivers

        receivers.connect()
        from communities import duties

        duties.connect()
        post_migrate.connect(_sync_roles, dispatch_uid="communities_sync_roles")
        from communities.exports.register_exports import register_exporters

        register_exporters()
        from communities.activities import demo as activities_demo  # noqa: F401 (a demo step)
        from communities.activities.exporting import register_exporter
        from communities.activities.roles import ACTIVITY_ROLE_PERMISSIONS
        from communities.roles import extend_role_permissions

        register_exporter()
        extend_role_permissions(ACTIVITY_ROLE_PERMISSIONS)
        from communities.activities.list_figures import connect as activities_connect

        activities_connect()  # the list's kept figures go stale when an activity changes
        from communities.residents.setup import connect as residents_connect

        residents_connect()
        from communities.activities.panel import compound_panel
        from communities.panels import CompoundPanel, register_compound_panel

        register_compound_panel(
            CompoundPanel(
                "activities", "communities/partials/activity_panel.html", compound_panel, 200
            )
        )
        from communities.guide import register_sections
        from communities.help_sections import HELP_SECTIONS

        register_sections("communities", HELP_SECTIONS)
        from communities.uploads import set_pillow_pixel_limit

        set_pillow_pixel_limit()
