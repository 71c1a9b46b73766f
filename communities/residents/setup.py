"""What the residents package registers at start-up, called from ``CommunitiesConfig.ready``:
the audit registration, the role permissions and (each added with its module) the exporters,
notice texts, the compound-page panel, help sections and the demo step."""


def connect() -> None:
    from auditlog.registry import auditlog

    from communities.models import Resident
    from communities.privacy import personal_fields
    from communities.roles import extend_role_permissions

    from .roles import RESIDENT_ROLE_PERMISSIONS

    auditlog.register(Resident, mask_fields=list(personal_fields(Resident)))
    extend_role_permissions(RESIDENT_ROLE_PERMISSIONS)

    from communities.notifications import register_notice_texts

    from .exporting import register_exporters
    from .notices import NOTICE_TEXTS

    register_exporters()
    register_notice_texts(NOTICE_TEXTS)

    from . import demo  # noqa: F401 (a seed_demo step)
    from .tallies import connect as tallies_connect

    tallies_connect()
