"""Every confirmed import leaves an audit entry: who, which register, the file's SHA-256, the
rows it added, changed, skipped or refused, and whether it was written (issue 10)."""

from __future__ import annotations

from communities import audit


def import_audit(request, model, *, sha256: str, rows: dict, written: bool) -> None:
    audit.record(
        audit.IMPORT,
        request=request,
        model=model,
        label=str(model._meta.verbose_name_plural),
        result=audit.OK if written else audit.FAILED,
        sha256=sha256,
        rows={key: int(value) for key, value in rows.items()},
    )
