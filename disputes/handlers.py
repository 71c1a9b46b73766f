"""Who handles a case: the organisation(s) at the case's level for the case's area.

- compound / community level: the community committee of the compound's community and the
  property company running the compound today (小纠纷不出村);
- street level: the street office of the compound's street (大纠纷不出乡镇);
- district level: the housing bureau of the district.

Their admins and staff accept, mediate and close the case; viewers only look. Anyone in scope
with the permission may register a case (首问负责制: the registrant is told of every step).
"""

from django.db.models import Q

from communities.acting import (
    acting_for_q,
    acting_kinds,
    members_acting_in,
    organisations_acting_for,
)
from communities.models import Compound, OrganisationKind
from disputes.models import DisputeCase, Level

K = OrganisationKind

# Which organisations act at each level (communities.acting says who acts for a compound).
LEVEL_KINDS = {
    Level.COMMUNITY: (K.COMMUNITY_COMMITTEE, K.PROPERTY_COMPANY),
    Level.STREET: (K.STREET_OFFICE,),
    Level.DISTRICT: (K.BUREAU,),
}


def organisations_at(compound: Compound, level: str):
    """The organisations that handle the compound's cases at ``level`` (a queryset)."""
    return organisations_acting_for(compound, LEVEL_KINDS[level])


def handlers_for(case: DisputeCase):
    """Users who may act on the case at its level (and may be its leader or handler)."""
    return members_acting_in(organisations_at(case.compound, case.level))


def can_handle(user, case: DisputeCase) -> bool:
    """May this user accept, mediate, escalate and close the case at its current level?"""
    if user is None:
        return True  # the system (the daily job)
    if not (user.is_authenticated and user.has_perm("disputes.handle_disputecase")):
        return False
    if user.is_superuser:
        return True
    return handlers_for(case).filter(pk=user.pk).exists()


def handled_by_q(user) -> Q:
    """The same rule as ``organisations_at`` + ``can_handle``, for a whole queryset of cases:
    cases at a level where the user acts for the organisation (subqueries, one query in all;
    tests check the two forms agree)."""
    if not (user.is_authenticated and user.has_perm("disputes.handle_disputecase")):
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    for level, kinds in LEVEL_KINDS.items():
        condition |= Q(level=level) & acting_for_q(user, kinds)
    return condition


def registration_levels(user) -> list[str]:
    """Levels a user may register a case at: the bureau any; everyone else below district
    (a district case comes from escalation, or from the bureau itself)."""
    if user is None or user.is_superuser:
        return list(Level.values)
    if K.BUREAU in acting_kinds(user):
        return list(Level.values)
    return [Level.COMMUNITY, Level.STREET]
