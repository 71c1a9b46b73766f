"""Reads of key management (重点管理): every function starts from ``visible_to(user)``."""

from __future__ import annotations

from django.db.models import QuerySet

from communities.models import Compound
from inspections.models import KeyManagement


def compound_ids_under_key_management(*, user) -> set[int]:
    """Ids of the compounds in the user's scope that are under key management today (one query).

    For a badge beside a compound's name: ``compound.pk in ids``.
    """
    return set(
        KeyManagement.objects.visible_to(user).active().values_list("compound_id", flat=True)
    )


def _of_compound(spells: QuerySet, compound_id: int | None) -> QuerySet:
    return spells if compound_id is None else spells.filter(compound_id=compound_id)


def key_management_current(*, user, compound_id: int | None = None) -> QuerySet[KeyManagement]:
    """The spells going on now in the user's scope (or of one compound), longest first."""
    return _of_compound(
        KeyManagement.objects.visible_to(user)
        .active()
        .select_related("compound__community__street", "started_by")
        .order_by("started_on", "compound__code"),
        compound_id,
    )


def key_management_history(*, user, compound_id: int | None = None) -> QuerySet[KeyManagement]:
    """Every spell in the user's scope (or of one compound), entries and exits with their
    reasons, newest first."""
    return _of_compound(
        KeyManagement.objects.visible_to(user)
        .select_related("compound", "started_by", "ended_by")
        .order_by("-started_on", "-pk"),
        compound_id,
    )


def compound_for_key_management(*, user, pk: int | None) -> Compound | None:
    """The compound the page is narrowed to (``?compound=<id>``), if the user sees it; any
    other id narrows nothing, as the other lists' filters (no query without an id)."""
    if pk is None:
        return None
    return Compound.objects.visible_to(user).filter(pk=pk).first()


def compounds_for_key_management_enter(*, user) -> QuerySet[Compound]:
    """Compounds in the user's scope that could be put on key management (not on it now)."""
    active = KeyManagement.objects.active().values("compound_id")
    return Compound.objects.visible_to(user).exclude(pk__in=active).order_by("code")


def compounds_for_key_management_leave(*, user) -> QuerySet[Compound]:
    """Compounds in the user's scope that are under key management now."""
    active = KeyManagement.objects.active().values("compound_id")
    return Compound.objects.visible_to(user).filter(pk__in=active).order_by("code")
