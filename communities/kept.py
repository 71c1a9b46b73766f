"""Figures kept in the cache and made stale by a change (issue 14).

A ``Generation`` is a number in the cache (Redis in production, shared by every web process)
that moves whenever a record of its models is saved or deleted through the ORM, and again on
commit.
Figures kept under a key that holds the number are stale once it moved, so what a user did
shows at the next view. Bulk writes send no signal: whatever keeps figures also bounds their
age (``reports.dashboard_cache``, ``kept_for_scope``).

``kept_for_user`` keeps what is one user's own the same way (the home's "what needs my action").

``kept_for_scope`` keeps a list page's figures under the user's scope (users with the same
scope see the same records), what narrows them, the language of the labels and the number:
the dispute and hazard lists' (``disputes.list_figures``, ``inspections.list_figures``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from communities.scoping import scope_for


class Generation:
    def __init__(self, key: str):
        self.key = key

    def current(self) -> int:
        return cache.get(self.key) or 0

    def bump(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # not there yet (or evicted): any new number makes figures stale
            cache.set(self.key, self.current() + 1, None)

    def changed(self, sender, **kwargs) -> None:
        """A record counted was saved or deleted: stale now, and again once the change
        commits (figures read by another request in between did not see it)."""
        self.bump()
        transaction.on_commit(self.bump)

    def track(self, *models) -> None:
        """Move on every save or delete of these models (from an ``AppConfig.ready``)."""
        for model in models:
            uid = f"{self.key}.{model._meta.label_lower}"
            post_save.connect(self.changed, sender=model, dispatch_uid=uid, weak=False)
            post_delete.connect(
                self.changed, sender=model, dispatch_uid=f"{uid}.delete", weak=False
            )


def kept_for_scope(
    generation: Generation, name: str, user, parts: tuple, compute: Callable[[], Any]
) -> Any:
    """What ``compute`` gives for the user's scope, named by ``name`` and ``parts`` (values
    with a stable ``repr``: the filters, the day), kept until ``generation`` moves, and at
    most ``LIST_FIGURES_SECONDS``."""
    return _kept(f"{name}:{scope_for(user).digest()}", parts, (generation,), compute)


def kept_for_user(
    generations: tuple[Generation, ...], name: str, user, parts: tuple, compute: Callable
) -> Any:
    """As ``kept_for_scope``, for what is the user's own (what waits for their action: their
    company's hazards, their organisation's cases): kept under the user and their scope until
    any of ``generations`` moves."""
    return _kept(f"{name}:u{user.pk}:{scope_for(user).digest()}", parts, generations, compute)


def _kept(name: str, parts: tuple, generations: tuple[Generation, ...], compute) -> Any:
    named = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
    numbers = ".".join(str(generation.current()) for generation in generations)
    key = f"kept:{name}:{named}:{get_language()}:{numbers}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.LIST_FIGURES_SECONDS)
    return value
