"""The street-office summaries (issue 13): what they add to the other apps at start-up — the
exporters (``communities.exports``), the permission for the bureau's and street offices'
roles, the guide's sections of the page."""

from communities.models import OrganisationKind as K
from communities.models import Role as R

SUMMARY_ROLES = {
    (kind, role): {"reports.export_summary"}
    for kind in (K.BUREAU, K.STREET_OFFICE)
    for role in (R.ADMIN, R.STAFF, R.VIEWER)
}


PERMISSION_CODENAME = "export_summary"
PERMISSION_NAME = "Can export street-office summaries"


def summary_permission_ensure(using: str = "default", **kwargs) -> None:
    """The permission belongs to no model, so no migration of a model makes it: a content type
    ``reports.summary`` carries it. Made after every ``migrate`` and every test database flush
    (``post_migrate``), before ``roles_sync`` gives it to the roles: the signal is sent per app
    and this runs at the first one, ``roles_sync`` at the last."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    content_type, _ = ContentType.objects.db_manager(using).get_or_create(
        app_label="reports", model="summary"
    )
    Permission.objects.db_manager(using).get_or_create(
        content_type=content_type,
        codename=PERMISSION_CODENAME,
        defaults={"name": PERMISSION_NAME},
    )


def register() -> None:
    from django.db.models.signals import post_migrate

    from communities.guide import register_sections
    from communities.roles import extend_role_permissions
    from reports.exporting.kinds import register_exporters
    from reports.help_sections import HELP_SECTIONS

    post_migrate.connect(summary_permission_ensure, dispatch_uid="reports_summary_permission")
    extend_role_permissions(SUMMARY_ROLES)
    register_exporters()
    register_sections("reports", HELP_SECTIONS)
