"""Audit entries are kept ``AUDIT_RETENTION_DAYS`` days (at least 180: Cybersecurity Law art.
21; a setting below that is refused at start); the daily purge deletes only older entries,
and it is the only way the application deletes any."""

from __future__ import annotations

import contextlib
import contextvars
import datetime

from auditlog.models import LogEntry
from django.conf import settings
from django.core.checks import Error, register
from django.db import connection, transaction
from django.utils import timezone

MINIMUM_RETENTION_DAYS = 180
_purging = contextvars.ContextVar("safecompound_audit_purging", default=False)


def purging() -> bool:
    return _purging.get()


@contextlib.contextmanager
def _purge_allowed():
    token = _purging.set(True)
    try:
        if connection.vendor == "postgresql":  # the trigger lets this transaction delete
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL safecompound.audit_purge = 'on'")
        yield
    finally:
        _purging.reset(token)


def retention_days() -> int:
    return max(settings.AUDIT_RETENTION_DAYS, MINIMUM_RETENTION_DAYS)


def audit_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the entries older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    with transaction.atomic(), _purge_allowed():
        deleted, _ = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    return deleted


@register()
def check_retention(app_configs=None, **kwargs):
    if settings.AUDIT_RETENTION_DAYS < MINIMUM_RETENTION_DAYS:
        return [
            Error(
                f"AUDIT_RETENTION_DAYS is {settings.AUDIT_RETENTION_DAYS}; the audit trail is "
                f"kept at least {MINIMUM_RETENTION_DAYS} days.",
                id="communities.E101",
            )
        ]
    return []
