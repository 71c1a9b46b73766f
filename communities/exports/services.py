"""Export jobs: create, run (from the Celery task), re-send, purge.

The run claims the job with a conditional UPDATE (pending → running), so a task delivered twice
writes the file once; the file is written to a temporary name in its destination folder,
hashed, and moved into place with ``os.replace`` (a reader never sees half a file); progress is
saved every ``EXPORT_PROGRESS_EVERY`` rows; an error marks the job failed with a message the
owner can read.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from communities.models import ExportJob, ExportStatus
from communities.models.exports import EXPORT_DIR, export_path

from .base import ExportContext, get_exporter
from .writer import write_export

logger = logging.getLogger(__name__)

MSG_FAILED = "导出失败：{error}。请稍后重试，或缩小筛选范围。"
MSG_UNKNOWN_EXPORTER = "未知的导出类型"
MSG_NO_PERMISSION = "没有导出权限"


def export_filename(exporter, file_format: str, today: datetime.date) -> str:
    """The name the user's browser saves: ASCII, the local date."""
    return f"{exporter.filename}-{today:%Y-%m-%d}.{file_format}"


def export_job_create(*, user, exporter_key: str, params: dict, file_format: str, total: int):
    """Save the job, then send the task once the transaction commits (a broker that is down
    leaves the job pending for ``export_jobs_resend``)."""
    job = ExportJob.objects.create(
        user=user,
        exporter=exporter_key,
        params=params,
        file_format=file_format,
        rows_total=total,
    )
    transaction.on_commit(lambda: export_job_send(job.pk))
    return job


def export_job_send(job_id: int) -> None:
    from communities.tasks import run_export

    try:
        run_export.delay(job_id)
    except Exception:  # the broker is down: the sweep sends it later
        logger.warning("export job %s not sent; the sweep will retry", job_id, exc_info=True)


def _claim(job_id: int) -> bool:
    return bool(
        ExportJob.objects.filter(pk=job_id, status=ExportStatus.PENDING).update(
            status=ExportStatus.RUNNING, started_at=timezone.now()
        )
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def export_job_run(*, job_id: int) -> bool:
    """Write the job's file; False when another run has it (or it is no longer pending)."""
    if not _claim(job_id):
        return False
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    today = timezone.localdate()
    name = export_path(job, export_filename_for(job, today))
    final = Path(default_storage.path(name))
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.with_name(f".{final.name}.{job.pk}.part")
    try:
        exporter = get_exporter(job.exporter)
        if exporter is None:
            raise LookupError(MSG_UNKNOWN_EXPORTER)
        if not exporter.has_permission(job.user):
            raise PermissionError(MSG_NO_PERMISSION)
        ctx = ExportContext(user=job.user, params=job.params, today=today)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

        rows = write_export(
            temp,
            exporter,
            ctx,
            job.file_format,
            progress=progress,
            every=settings.EXPORT_PROGRESS_EVERY,
        )
        sha = _sha256(temp)
        os.replace(temp, final)
    except Exception as exc:
        temp.unlink(missing_ok=True)
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            finished_at=timezone.now(),
            error=MSG_FAILED.format(error=_readable(exc)),
        )
        return True
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        file=name,
        sha256=sha,
        row_count=rows,
        rows_done=rows,
        finished_at=now,
        expires_at=now + datetime.timedelta(hours=settings.EXPORT_TTL_HOURS),
    )
    return True


def _readable(exc: Exception) -> str:
    text = str(exc).strip()
    return text[:300] if text else type(exc).__name__


def export_filename_for(job: ExportJob, today: datetime.date) -> str:
    exporter = get_exporter(job.exporter)
    stem = exporter.filename if exporter else "export"
    return f"{stem}-{today:%Y-%m-%d}-{job.pk}.{job.file_format}"


def export_jobs_resend(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2)) -> int:
    """Send again the jobs still pending after a while (the broker was down when saved)."""
    cutoff = timezone.now() - older_than
    ids = list(
        ExportJob.objects.filter(status=ExportStatus.PENDING, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for job_id in ids:
        export_job_send(job_id)
    return len(ids)


def export_jobs_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete expired jobs and their files; failed jobs go after the same time."""
    now = now or timezone.now()
    ttl = datetime.timedelta(hours=settings.EXPORT_TTL_HOURS)
    expired = ExportJob.objects.filter(expires_at__lt=now) | ExportJob.objects.filter(
        status=ExportStatus.FAILED, finished_at__lt=now - ttl
    )
    count = 0
    for job in expired.only("pk", "file"):
        if job.file:
            job.file.storage.delete(job.file.name)
        job.delete()
        count += 1
    _purge_stale_parts(now - ttl)
    return count


def _purge_stale_parts(before: datetime.datetime) -> None:
    """Temporary files a killed worker left behind (a finished run never leaves one)."""
    folder = Path(default_storage.path(EXPORT_DIR))
    if not folder.is_dir():
        return
    for part in folder.glob("*/.*.part"):
        if part.stat().st_mtime < before.timestamp():
            part.unlink(missing_ok=True)
