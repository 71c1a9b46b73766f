"""The export path on the workbench: start (the file at once, or a job), the job's page with
its progress bar (htmx polls it), and the download.

Only the job's owner sees its page or its file; anyone else, and an unknown id, get the same
404, so an id reveals nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from communities.models import ExportJob, ExportStatus
from communities.unmasking import UNMASKED_PARAM, unmasking_allowed
from communities.uploads import private_file_response

from .audit import export_audit
from .base import ExportContext, Exporter, get_exporter
from .services import export_filename, export_job_create
from .writer import CONTENT_TYPES, XLSX_FORMAT, write_export


def export_now(request, exporter: Exporter, ctx: ExportContext, file_format: str) -> HttpResponse:
    """The whole file in this response, written by the same writer the job uses."""
    with tempfile.TemporaryDirectory(prefix="export-") as folder:
        path = Path(folder) / f"export.{file_format}"
        rows = write_export(path, exporter, ctx, file_format)
        export_audit(exporter, ctx, file_format, rows, request=request)
        content = path.read_bytes()
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    name = export_filename(exporter, file_format, ctx.today)
    # A Chinese name travels as RFC 5987 ``filename*``, which every current browser reads.
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def export_start(request, exporter: Exporter, params: dict, file_format: str = XLSX_FORMAT):
    """Count the rows: up to ``EXPORT_INLINE_MAX_ROWS`` answer with the file, above it save a
    job and send the user to its page. The caller has checked the exporter's permission."""
    if file_format not in exporter.formats:
        raise Http404
    ctx = ExportContext(user=request.user, params=params, today=timezone.localdate())
    total = exporter.count(ctx)
    if total <= settings.EXPORT_INLINE_MAX_ROWS:
        return export_now(request, exporter, ctx, file_format)
    job = export_job_create(
        user=request.user,
        exporter_key=exporter.key,
        # Personal data in full as this request may show it (a stated reason): the job runs later.
        params={**params, UNMASKED_PARAM: unmasking_allowed(request.user)},
        file_format=file_format,
        total=total,
    )
    return redirect("communities:export_job", pk=job.pk)


@require_POST
@login_required
def export_begin(request, key: str):
    """Start exporter ``key`` with this query string as its filter (a POST from a list page's
    export button: starting an export writes a job, so no link or image elsewhere may)."""
    exporter = get_exporter(key)
    if exporter is None:
        raise Http404
    if not exporter.has_permission(request.user):
        raise PermissionDenied
    return export_start(request, exporter, {"query": request.GET.urlencode()})


def _own_job(request, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob.objects.owned_by(request.user), pk=pk)


@require_GET
@login_required
def export_job(request, pk: int):
    job = _own_job(request, pk)
    exporter = get_exporter(job.exporter)
    context = {"job": job, "exporter": exporter, "expired": _expired(job)}
    if request.htmx:
        return render(request, "communities/partials/export_progress.html", context)
    return render(request, "communities/export_job.html", context)


def _expired(job: ExportJob) -> bool:
    return job.expires_at is not None and job.expires_at <= timezone.now()


@require_GET
@login_required
def export_download(request, pk: int):
    job = _own_job(request, pk)
    if job.status != ExportStatus.DONE or _expired(job):
        raise Http404
    finished = timezone.localtime(job.finished_at).date()
    name = export_filename(get_exporter(job.exporter), job.file_format, finished)
    return private_file_response(job.file, written_as=(CONTENT_TYPES[job.file_format], name))
