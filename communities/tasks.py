"""Background jobs of the register: each takes ids or nothing and calls one service."""

from celery import shared_task

from communities.exports.services import export_job_run, export_jobs_purge, export_jobs_resend


@shared_task(name="communities.ping", ignore_result=False)
def ping() -> str:
    """``/health/workers/`` sends one to each queue: a worker consuming it answers."""
    return "pong"


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


@shared_task(name="communities.refresh_resident_tallies")
def refresh_resident_tallies(day: str | None = None) -> int:
    """Nightly: every compound's 以房管人 figures for the new day (the pages add them up)."""
    import datetime

    from communities.residents.tallies import refresh_all

    return refresh_all(datetime.date.fromisoformat(day) if day else None)


@shared_task(name="communities.send_registration_notices")
def send_registration_notices(day: str | None = None) -> int:
    """Daily: tell each community committee of the residents not registered or whose residence
    registration expires soon or has expired, once per person and expiry."""
    import datetime

    from communities.residents.notices import registration_notices_send

    return registration_notices_send(on=datetime.date.fromisoformat(day) if day else None)
