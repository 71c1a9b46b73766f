from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolsConfig(AppConfig):
    name = "patrols"
    verbose_name = _("群防群治 joint defence")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from communities.privacy import personal_fields
        from communities.roles import extend_role_permissions
        from communities.unmasking import register_permission
        from patrols import models as m
        from patrols.roles import MEMBER_DATA_PERMISSION, PATROL_ROLE_PERMISSIONS

        register_permission(MEMBER_DATA_PERMISSION)
        extend_role_permissions(PATROL_ROLE_PERMISSIONS)
        # Which compounds a team covers and a patrol went to, and who was on it, are recorded
        # with the rest of the row.
        m2m = {m.PatrolTeam: {"compounds"}, m.PatrolLog: {"compounds", "members"}}
        for model in (
            m.WatchGroup,
            m.WatchGroupMembership,
            m.PatrolTeam,
            m.TeamMember,
            m.PatrolPlanSlot,
            m.PatrolLog,
            m.PatrolFinding,
            m.Entrance,
            m.Facility,
        ):
            auditlog.register(
                model, mask_fields=list(personal_fields(model)), m2m_fields=m2m.get(model, set())
            )

        from communities.guide import register_sections
        from patrols.help_sections import HELP_SECTIONS

        register_sections("patrols", HELP_SECTIONS)
        # Each part registers its demo step, exporters and notices from here.
        from patrols import registry

        registry.register_all()
        from patrols.list_figures import connect

        connect()  # the kept figures go stale when what they count changes
