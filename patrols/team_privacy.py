"""Whose names and phones a reader of a patrol team sees in full (docs/personal-data.md §10):
the team's leader and members are shown in full to the organisation that runs the team and
those above it (its own people; a role that may see personal data states a reason first, as
everywhere), and to roles holding ``patrols.view_member_data`` (no property-company role
holds it) after a stated reason (``communities.unmasking``). Everyone else who sees the team
through a compound it covers sees them masked."""

from __future__ import annotations

from communities.privacy import mask_instance
from communities.unmasking import may_see_personal_data, unmasking_allowed
from patrols.roles import MEMBER_DATA_PERMISSION
from patrols.services_teams import teams_run_by


def _gate(user) -> bool:
    """A role that may see personal data in full only does so with a stated reason; a role
    that may not (a company's) sees its own people without one."""
    return unmasking_allowed(user) if may_see_personal_data(user) else True


def member_data_shown(user, team_ids) -> set[int]:
    """Of these team ids, those whose people the user sees in full (one query at most)."""
    team_ids = set(team_ids)
    if not team_ids or user is None or not user.is_authenticated:
        return set()
    if user.has_perm(MEMBER_DATA_PERMISSION):
        return team_ids if unmasking_allowed(user) else set()
    run = set(teams_run_by(user).filter(pk__in=team_ids).values_list("pk", flat=True))
    return run if run and _gate(user) else set()


def annotate_people_shown(queryset, user):
    """Teams or members (a ``TeamScopedQuerySet``) with ``people_shown``: whether this user
    sees the team's people in full, decided in the same query for every row (the admin's
    lists: no query per row, no state kept on the shared admin)."""
    from django.db.models import BooleanField, Case, Value, When

    from communities.scoping import scope_for

    if user is None or not user.is_authenticated:
        shown = Value(False)
    elif user.has_perm(MEMBER_DATA_PERMISSION):
        shown = Value(unmasking_allowed(user))
    else:
        scope = scope_for(user)
        if scope.everything:
            shown = Value(_gate(user))
        elif scope.is_empty or not _gate(user):
            shown = Value(False)
        else:
            shown = Case(
                When(queryset.run_by_scope_filter(scope), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
    return queryset.annotate(people_shown=shown)


def shows_members(user, team) -> bool:
    return team.pk in member_data_shown(user, [team.pk])


def masked_team(team, shown: bool):
    """The team (and its prefetched members) as this reader sees them: masked in place
    unless shown (objects read for display only, never saved)."""
    if not shown:
        mask_instance(team)
        for member in getattr(team, "_prefetched_objects_cache", {}).get("members", []):
            mask_instance(member)
    return team
