"""Background jobs of the register: each takes ids or nothing and calls one service."""

from celery import shared_task

from communities.exports.services import export_job_run, export_jobs_purge, export_jobs_resend


@shared_task(name="communities.run_export")
def run_export(job_id: int) -> bool:
    """Write one export job's file; a second delivery of the same job does nothing."""
    return export_job_run(job_id=job_id)


@shared_task(name="communities.resend_pending_exports")
def resend_pending_exports() -> int:
    return export_jobs_resend()


@shared_task(name="communities.purge_expired_exports")
def purge_expired_exports() -> int:
    return export_jobs_purge()


@shared_task(name="communities.purge_audit_trail")
def purge_audit_trail() -> int:
    """Daily: delete audit entries older than AUDIT_RETENTION_DAYS (never younger ones)."""
    from communities.audit.retention import audit_purge

    return audit_purge()
