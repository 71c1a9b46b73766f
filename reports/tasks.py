"""Background jobs of the reports: each takes ids or nothing and calls one service."""

from celery import shared_task
from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from reports.services import monthly_reports_request, report_build, reports_resend


@shared_task(
    name="reports.build_report",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, BrokerError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TIME_LIMIT,
)
def build_report(report_id: int) -> bool:
    """Build one monthly report; a second delivery of the same report does nothing."""
    return report_build(report_id=report_id)


@shared_task(name="reports.build_monthly_reports")
def build_monthly_reports() -> int:
    """The 1st at 02:00: last month's reports of the district and of every street."""
    return len(monthly_reports_request())


@shared_task(name="reports.resend_pending_reports")
def resend_pending_reports() -> int:
    """Every 5 minutes: reports saved while the broker was down, lost or abandoned."""
    return reports_resend()


@shared_task(name="reports.refresh_dashboard")
def refresh_dashboard(user_id: int, language: str) -> bool:
    """Compute the dashboard's figures of the user's scope again (a stale snapshot was shown)."""
    from django.contrib.auth import get_user_model

    from reports.dashboard_cache import refresh

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    refresh(user, language)
    return True
