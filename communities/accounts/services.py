"""Writes on accounts that carry a rule."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone


@transaction.atomic
def accounts_disable_dormant(*, now: datetime.datetime | None = None) -> list[int]:
    """Disable every active account nobody has logged into for DORMANT_ACCOUNT_DAYS (one never
    used: counted from when it was made), superusers included: an unused administrator
    account is the one most worth closing. Each is saved on its own, so its sessions end and
    ``user_disabled`` is sent. Returns the ids disabled; running it twice disables nothing more.
    """
    days = settings.DORMANT_ACCOUNT_DAYS
    if not days:
        return []
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    dormant = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
    )
    disabled = []
    for user in dormant.select_for_update().order_by("pk"):
        user.is_active = False
        user.save(update_fields=["is_active"])
        disabled.append(user.pk)
    return disabled
