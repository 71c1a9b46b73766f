"""What the reports app adds to the others, from ``ReportsConfig.ready`` (architecture §1: the
apps below never import ``reports``; they keep lists that it adds to). One function per part."""


def register_all() -> None:
    from reports import dashboard, dashboard_cache, summaries

    register_reports()
    dashboard.register()
    dashboard_cache.connect()
    summaries.register()


def register_reports() -> None:
    """The monthly reports: role permissions, the notice of a published report, the demo's
    reports."""
    from django.utils.translation import gettext_lazy as _

    from communities.notifications import NoticeText, register_notice_texts
    from communities.roles import extend_role_permissions
    from reports import demo  # noqa: F401 (a demo step)
    from reports.roles import REPORT_ROLE_PERMISSIONS
    from reports.services import NOTICE_PUBLISHED

    extend_role_permissions(REPORT_ROLE_PERMISSIONS)
    register_notice_texts(
        {
            NOTICE_PUBLISHED: NoticeText(
                _("The monthly report of %(scope)s for %(month)s is published.")
            )
        }
    )
