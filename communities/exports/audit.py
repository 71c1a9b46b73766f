"""Every export leaves an audit entry: who, what, the filter in words, how many rows, the
format, and whether personal data went out in full. It is written before the file leaves (the
response, or the job's file moved into place): an export that cannot be audited fails."""

from __future__ import annotations

from communities import audit

from .base import ExportContext, Exporter


def export_audit(
    exporter: Exporter, ctx: ExportContext, file_format: str, rows: int, *, request=None, job=None
):
    return audit.record(
        audit.EXPORT,
        request=request,
        actor=ctx.user,
        model=_model_of(exporter),
        object_pk=str(job.pk) if job else "",
        label=str(exporter.title),
        exporter=exporter.key,
        filter=exporter.described_filter(ctx),
        rows=rows,
        format=file_format,
        personal_data_in_full=exporter.shows_personal_data(ctx),
        job=job.pk if job else None,
    )


def _model_of(exporter: Exporter):
    from communities.models import ExportJob

    return getattr(exporter, "model", None) or ExportJob
