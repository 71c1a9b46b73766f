"""The facilities' scheduled job (registered by ``patrols.registry``; the beat entry is
``facilities-out-of-service`` in ``CELERY_BEAT_SCHEDULE``): it takes plain values and calls one
service."""

import datetime

from celery import shared_task
from django.utils import timezone

from patrols.facility_services import facilities_raise_out_of_service_hazards


@shared_task(name="patrols.raise_out_of_service_hazards")
def raise_out_of_service_hazards(day: str | None = None) -> int:
    """Daily: a hazard, once, for each facility out of service too long."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return facilities_raise_out_of_service_hazards(today=today)
