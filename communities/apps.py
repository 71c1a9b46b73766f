from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs) -> None:
    from communities.roles import roles_sync

    roles_sync()


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Register")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from communities import models as m

        personal = ["head_name", "head_phone", "head_id_number"]
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
        auditlog.register(m.Household, mask_fields=personal)
        # Role groups need the permissions that post_migrate creates; the auth app's
        # handler runs first because django.contrib.auth is installed before us.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="communities_sync_roles")
