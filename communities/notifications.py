"""Sending notifications: in the app (the bell) and by e-mail (console backend by default).

A notice is stored with its kind (what it is about), the key of a registered text and the
text's parameters; it is put into words when shown, in the reader's language. Apps register
their texts from ``AppConfig.ready()`` (``register_notice_texts``); a parameter whose value is
a choice (a status, a level) is stored as the value and shown by its label.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from communities.models import Notification


@dataclass(frozen=True)
class NoticeText:
    """A notice's words (a lazy translation with ``%(name)s`` parameters); ``choices`` name
    the parameters shown by the label of a choice."""

    text: object
    choices: Mapping[str, type[models.Choices]] = field(default_factory=dict)

    def render(self, params: Mapping) -> str:
        values = dict(params)
        for name, choices in self.choices.items():
            if values.get(name) in choices.values:
                values[name] = choices(values[name]).label
        return str(self.text) % values


NOTICE_TEXTS: dict[str, NoticeText] = {}


def register_notice_texts(texts: Mapping[str, NoticeText]) -> None:
    """Called from an app's ``ready()`` (communities imports no app above it)."""
    NOTICE_TEXTS.update(texts)


def notice_text(text: str, params: Mapping) -> str:
    """The registered text with its parameters, in the active language ("" if unknown)."""
    definition = NOTICE_TEXTS.get(text)
    if definition is None:
        return ""
    try:
        return definition.render(params)
    except (KeyError, TypeError, ValueError):
        return ""


def notify(
    *,
    users: Iterable,
    kind: str,
    params: Mapping | None = None,
    text: str = "",
    url: str = "",
    dedup_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Notify each user once; with a ``dedup_key``, a user already notified of it is skipped.

    ``text`` is a registered text's key (the kind by default) and ``params`` its values (plain
    JSON: strings, numbers, choice values). E-mails go out after the transaction commits, so a
    rolled-back action sends nothing.
    """
    text = text or kind
    params = dict(params or {})
    message = notice_text(text, params)
    if not message:
        raise ValueError(f"no registered notice text {text!r} for these parameters")
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
            Notification(
                user=u,
                kind=kind,
                text=text,
                params=params,
                message=message[:300],
                url=url,
                dedup_key=dedup_key,
            )
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
