"""Export jobs: create, run (from the Celery task), re-send, purge.

The run claims the job with a conditional UPDATE (pending → running), so a task delivered twice
writes the file once; the file is written to a temporary name in its destination folder,
hashed, and moved into place with ``os.replace`` (a reader never sees half a file); progress is
saved every ``EXPORT_PROGRESS_EVERY`` rows; an error marks the job failed with a message the
owner can read.

Nothing is lost when a worker dies: a run still "running" after the task's hard time limit
(and a margin) was abandoned, and is claimed again, by the redelivered task or by the sweep,
up to ``MAX_ATTEMPTS`` runs in all; then the job fails with a message saying so. A job saved
while the broker was down, or whose message was lost, is sent again by the sweep.
"""

from __future__ import annotations

import datetime
import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from communities.models import ExportJob, ExportStatus
from communities.models.exports import EXPORT_DIR, export_path
from communities.unmasking import UNMASKED_PARAM, job_decision
from communities.uploads import file_sha256

from .audit import export_audit
from .base import ExportContext, get_exporter
from .writer import write_export

logger = logging.getLogger(__name__)

# Shown to the job's owner on its page; written in the site's language (LANGUAGE_CODE).
MSG_FAILED = _("The export failed: {error}. Try again later, or narrow the filter.")
MSG_UNKNOWN_EXPORTER = _("unknown kind of export")
MSG_NO_PERMISSION = _("you may not export this")
MSG_ABANDONED = _(
    "The export was interrupted several times (the background process running it stopped). "
    "Export again later, or narrow the filter."
)
MAX_ATTEMPTS = 3
STALE_MARGIN = datetime.timedelta(minutes=5)


def _stale_before(now: datetime.datetime) -> datetime.datetime:
    """A run started before this has outlived the task's hard time limit: nobody runs it."""
    return now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) - STALE_MARGIN


def export_filename(exporter, file_format: str, day: datetime.date, job_id: int = 0) -> str:
    """A file's name with the local date. Without a job's id: what the browser saves, named
    after the content in the files' language (``住户-2026-12-05.xlsx``); with it: the ASCII
    name it is stored under (``Household-2026-12-05-17.xlsx``)."""
    if job_id:
        stem = exporter.filename if exporter else "export"
        return f"{stem}-{day:%Y-%m-%d}-{job_id}.{file_format}"
    with override(settings.LANGUAGE_CODE):
        stem = str(exporter.download_name or exporter.filename) if exporter else "export"
    return f"{stem}-{day:%Y-%m-%d}.{file_format}"


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
    else:
        ExportJob.objects.filter(pk=job_id).update(sent_at=timezone.now())


def _claim(job_id: int) -> bool:
    """Pending, or abandoned by a dead worker, and not tried too often: this run takes it."""
    now = timezone.now()
    claimable = Q(status=ExportStatus.PENDING) | Q(
        status=ExportStatus.RUNNING, started_at__lt=_stale_before(now)
    )
    return bool(
        ExportJob.objects.filter(claimable, pk=job_id, attempts__lt=MAX_ATTEMPTS).update(
            status=ExportStatus.RUNNING, started_at=now, rows_done=0, attempts=F("attempts") + 1
        )
    )


def export_job_run(*, job_id: int) -> bool:
    """Write the job's file; False when another run has it (or it is no longer pending)."""
    if not _claim(job_id):
        return False
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    today = timezone.localdate()
    stored = export_filename(get_exporter(job.exporter), job.file_format, today, job.pk)
    name = export_path(job, stored)
    temp = None
    try:
        final = Path(default_storage.path(name))
        final.parent.mkdir(parents=True, exist_ok=True)
        temp = final.with_name(f".{final.name}.{job.pk}.part")
        exporter = get_exporter(job.exporter)
        if exporter is None:
            raise LookupError(MSG_UNKNOWN_EXPORTER)
        if not exporter.has_permission(job.user):
            raise PermissionError(MSG_NO_PERMISSION)
        ctx = ExportContext(user=job.user, params=job.params, today=today)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

        with job_decision(job.params.get(UNMASKED_PARAM)):
            rows = write_export(
                temp,
                exporter,
                ctx,
                job.file_format,
                progress=progress,
                every=settings.EXPORT_PROGRESS_EVERY,
            )
            sha = file_sha256(temp)
            export_audit(exporter, ctx, job.file_format, rows, job=job)
        os.replace(temp, final)
    except Exception as exc:
        if temp is not None:
            temp.unlink(missing_ok=True)
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            finished_at=timezone.now(),
            error=str(MSG_FAILED).format(error=_readable(exc)),
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


def export_jobs_resend(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2)) -> int:
    """The sweep. Send again the jobs never handed to the broker (it was down), those sent long
    ago and never started (the message was lost), and those a dead worker abandoned; a job
    abandoned ``MAX_ATTEMPTS`` times fails. A job still waiting in the queue is left alone, so
    the queue does not fill with copies."""
    now = timezone.now()
    stale = _stale_before(now)
    abandoned = ExportJob.objects.filter(status=ExportStatus.RUNNING, started_at__lt=stale)
    abandoned.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=ExportStatus.FAILED, finished_at=now, error=str(MSG_ABANDONED)
    )
    abandoned.filter(attempts__lt=MAX_ATTEMPTS).update(status=ExportStatus.PENDING, sent_at=None)
    waiting = ExportJob.objects.filter(status=ExportStatus.PENDING, created_at__lt=now - older_than)
    ids = list(
        waiting.filter(Q(sent_at__isnull=True) | Q(sent_at__lt=stale)).values_list("pk", flat=True)
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
    _purge_stale_files(now - ttl)
    return count


def _purge_stale_files(before: datetime.datetime) -> None:
    """Files no job names, older than the files' lifetime: temporary files a killed worker
    left behind, and a file whose worker died between moving it in and saving the job."""
    folder = Path(default_storage.path(EXPORT_DIR))
    if not folder.is_dir():
        return
    names = ExportJob.objects.exclude(file="").values_list("file", flat=True)
    named = {Path(default_storage.path(name)) for name in names}
    for path in folder.glob("*/*"):
        if path.is_file() and path not in named and path.stat().st_mtime < before.timestamp():
            path.unlink(missing_ok=True)
