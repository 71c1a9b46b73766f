"""The daily job of patrol teams (``CELERY_BEAT_SCHEDULE``: ``patrols.notify_missed_patrols``).
Imported from ``patrols.registry`` so the task is known to every worker."""

import datetime

from celery import shared_task


@shared_task(name="patrols.notify_missed_patrols")
def notify_missed_patrols(day: str | None = None) -> int:
    """Yesterday's missed patrols (or ``day``'s, ISO), once per window."""
    from patrols.missed import missed_patrols_notify

    return missed_patrols_notify(day=datetime.date.fromisoformat(day) if day else None)
