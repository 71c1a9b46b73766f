"""The one scoping rule: which compounds (and so which records) a user may see.

bureau → its district; street office → its street; community committee → its community;
property company → the compounds it currently manages; no membership → nothing.
Superusers (operators) see everything. Every scoped manager's ``visible_to(user)`` builds on
``scope_for``; an object outside the scope is a 404 wherever it is asked for.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.utils import timezone

_CACHE_ATTR = "_communities_scope"


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    district_ids: frozenset[int] = field(default_factory=frozenset)
    street_ids: frozenset[int] = field(default_factory=frozenset)
    community_ids: frozenset[int] = field(default_factory=frozenset)
    company_ids: frozenset[int] = field(default_factory=frozenset)
    on: datetime.date | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.everything
            or self.district_ids
            or self.street_ids
            or self.community_ids
            or self.company_ids
        )

    @property
    def has_area(self) -> bool:
        """Through a bureau, street office or community committee (or as an operator)."""
        return bool(self.everything or self.district_ids or self.street_ids or self.community_ids)

    @property
    def company_only(self) -> bool:
        """The user belongs to property companies and nothing else: they fill the checks and
        see their own company's terms only."""
        return bool(self.company_ids) and not self.has_area

    def digest(self) -> str:
        """A short stable name of the scope for cache keys: users with the same scope share
        what is kept for it (the dashboard's figures, the dispute list's)."""
        parts = (
            self.everything,
            sorted(self.district_ids),
            sorted(self.street_ids),
            sorted(self.community_ids),
            sorted(self.company_ids),
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]

    def managed_compounds(self):
        """Compounds the user's companies run today (a subquery, not evaluated here)."""
        from communities.models import Compound

        return Compound.objects.managed_by(self.company_ids, on=self.on)


def scope_for(user) -> Scope:
    """The user's scope, read once per user object (one query) and kept on it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from communities.models import Membership

    rows = Membership.objects.filter(user=user).values_list(
        "organisation__district_id",
        "organisation__street_id",
        "organisation__community_id",
        "organisation__property_company_id",
    )
    ids: list[set[int]] = [set(), set(), set(), set()]
    for row in rows:
        for bucket, value in zip(ids, row, strict=True):
            if value is not None:
                bucket.add(value)
    scope = Scope(
        district_ids=frozenset(ids[0]),
        street_ids=frozenset(ids[1]),
        community_ids=frozenset(ids[2]),
        company_ids=frozenset(ids[3]),
        on=timezone.localdate(),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's memberships change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def compounds_visible_to(user):
    """The compounds a user may see: the scoping rule as a queryset."""
    from communities.models import Compound

    return Compound.objects.visible_to(user)


def get_visible_or_404(request, queryset, **lookup):
    """``get_object_or_404`` over a ``visible_to(user)`` queryset: one answer, a 404, for an id
    outside the scope and a missing one alike; the first is recorded in the audit trail as a
    refused access."""
    from django.http import Http404

    from communities import audit

    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        pass
    model = queryset.model
    try:
        found = model._base_manager.filter(**lookup).values_list("pk", flat=True).first()
    except (ValueError, TypeError, OverflowError):
        found = None
    if found is not None:
        audit.refused(request, model, found)
    raise Http404
