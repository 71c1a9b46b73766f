"""Every confirmed import leaves an audit entry: who, which register, the file's SHA-256, the
rows it added, changed, skipped or refused, and whether it was written (issue 10).

The register's imports write their rows in bulk (``importing.base``): django-auditlog keeps no
entry per imported row, so this entry, one per import, is the trail of what an import did.
"""

from __future__ import annotations

from communities import audit

from .base import ImportScopeError


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


def import_rows(result) -> dict[str, int]:
    """The counts of a django-import-export ``Result`` for the audit entry: its totals by kind
    (``new``, ``update``, ``skip``…) and ``refused``, the rows named in its error lines: invalid
    rows, rows that failed, and rows found outside the user's scope once written."""
    rows = {key: int(value) for key, value in result.totals.items()}
    outside = sum(
        len(error.error.rows)
        for error in result.base_errors
        if isinstance(error.error, ImportScopeError)
    )
    rows["refused"] = len(result.invalid_rows) + len(result.error_rows) + outside
    return rows
