"""Who handles a case: the organisation(s) at the case's level for the case's area.

- compound / community level: the community committee of the compound's community and the
  property company running the compound today (小纠纷不出村);
- street level: the street office of the compound's street (大纠纷不出乡镇);
- district level: the housing bureau of the district.

Their admins and staff accept, mediate and close the case; viewers only look. Anyone in scope
with the permission may register a case (首问负责制: the registrant is told of every step).

回避: a case that concerns a property company (about property service, or against the
compound's company) is handled at compound/community level by the community committee alone,
and the members of the companies concerned never act on it at any level (``disputes.conflict``).
"""

from django.db.models import Q

from communities.acting import (
    acting_for_q,
    acting_kinds,
    members_acting_in,
    organisations_acting_for,
)
from communities.models import Compound, OrganisationKind
from disputes.conflict import conflicted_q, recused_members
from disputes.models import DisputeCase, Level, concerns_company_q

K = OrganisationKind

# Which organisations act at each level (communities.acting says who acts for a compound).
LEVEL_KINDS = {
    Level.COMMUNITY: (K.COMMUNITY_COMMITTEE, K.PROPERTY_COMPANY),
    Level.STREET: (K.STREET_OFFICE,),
    Level.DISTRICT: (K.BUREAU,),
}


def level_kinds(level: str, *, concerns_company: bool = False) -> tuple[str, ...]:
    """The kinds of organisation acting at ``level``; no property company for a case that
    concerns one (回避)."""
    kinds = LEVEL_KINDS[level]
    if concerns_company:
        return tuple(kind for kind in kinds if kind != K.PROPERTY_COMPANY)
    return kinds


def organisations_at(compound: Compound, level: str, *, concerns_company: bool = False):
    """The organisations that handle the compound's cases at ``level`` (a queryset)."""
    return organisations_acting_for(compound, level_kinds(level, concerns_company=concerns_company))


def handlers_for(case: DisputeCase):
    """Users who may act on the case at its level (and may be its leader or handler): never,
    for a case that concerns a property company, a member of a company concerned."""
    organisations = organisations_at(
        case.compound, case.level, concerns_company=case.concerns_company
    )
    users = members_acting_in(organisations)
    recused = recused_members(case)
    return users if recused is None else users.exclude(pk__in=recused)


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
        for kind in kinds:
            here = Q(level=level) & acting_for_q(user, [kind])
            if kind == K.PROPERTY_COMPANY:
                here &= ~concerns_company_q()
            condition |= here
    return condition & ~conflicted_q(user)


def registration_levels(user) -> list[str]:
    """Levels a user may register a case at: the bureau any; everyone else below district
    (a district case comes from escalation, or from the bureau itself)."""
    if user is None or user.is_superuser:
        return list(Level.values)
    if K.BUREAU in acting_kinds(user):
        return list(Level.values)
    return [Level.COMMUNITY, Level.STREET]
