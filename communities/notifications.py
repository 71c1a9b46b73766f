"""Sending notifications: in the app (the bell) and by e-mail (console backend by default)."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from communities.models import Notification


def notify(
    *,
    users: Iterable,
    kind: str,
    message: str,
    url: str = "",
    dedup_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Notify each user once; with a ``dedup_key``, a user already notified of it is skipped.

    E-mails go out after the transaction commits, so a rolled-back action sends nothing.
    """
    users = {u.pk: u for u in users if u is not None and u.is_active}
    if dedup_key:
        done = set(
            Notification.objects.filter(user_id__in=users, dedup_key=dedup_key).values_list(
                "user_id", flat=True
            )
        )
        users = {pk: u for pk, u in users.items() if pk not in done}
    created = Notification.objects.bulk_create(
        [
            Notification(user=u, kind=kind, message=message, url=url, dedup_key=dedup_key)
            for u in users.values()
        ],
        ignore_conflicts=bool(dedup_key),
    )
    recipients = [u.email for u in users.values() if email and u.email]
    if recipients:
        transaction.on_commit(
            lambda: send_mail(
                subject=f"[{settings.SITE_TITLE}] {message}"[:150],
                message=f"{message}\n\n{url}",
                from_email=None,
                recipient_list=recipients,
                fail_silently=True,
            )
        )
    return created


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all, or these ids); returns how many changed."""
    qs = Notification.objects.for_user(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.for_user(user).unread().count()
