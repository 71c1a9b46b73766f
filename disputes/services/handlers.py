"""Who handles a case: the organisation(s) at the case's level for the case's area.

- compound / community level: the community committee of the compound's community and the
  property company running the compound today (小纠纷不出村);
- street level: the street office of the compound's street (大纠纷不出乡镇);
- district level: the housing bureau of the district.

Their admins and staff accept, mediate and close the case; viewers only look. Anyone in scope
with the permission may register a case (首问负责制: the registrant is told of every step).
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from communities.models import (
    Compound,
    ManagementTerm,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
)
from disputes.models import DisputeCase, Level

K = OrganisationKind
ACTING_ROLES = (Role.ADMIN, Role.STAFF)


def organisations_at(compound: Compound, level: str):
    """The organisations that handle the compound's cases at ``level`` (a queryset)."""
    if level == Level.COMMUNITY:
        running = ManagementTerm.objects.current().filter(compound=compound).values("company_id")
        condition = Q(kind=K.COMMUNITY_COMMITTEE, community_id=compound.community_id) | Q(
            kind=K.PROPERTY_COMPANY, property_company_id__in=running
        )
    elif level == Level.STREET:
        condition = Q(kind=K.STREET_OFFICE, street_id=compound.community.street_id)
    else:
        condition = Q(kind=K.BUREAU, district_id=compound.community.street.district_id)
    return Organisation.objects.filter(condition)


def handlers_for(case: DisputeCase):
    """Users who may act on the case at its level (and may be its leader or handler)."""
    members = Membership.objects.filter(
        organisation__in=organisations_at(case.compound, case.level), role__in=ACTING_ROLES
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=members.values("user_id"))
        .order_by("username")
    )


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
    if user.is_superuser:
        return Q()
    acting = Membership.objects.filter(user_id=user.pk, role__in=ACTING_ROLES)

    def area(kind: str, field: str):
        return acting.filter(organisation__kind=kind).values(f"organisation__{field}")

    companies = area(K.PROPERTY_COMPANY, "property_company_id")
    at_community = Q(level=Level.COMMUNITY) & (
        Q(compound__community_id__in=area(K.COMMUNITY_COMMITTEE, "community_id"))
        | Q(compound_id__in=Compound.objects.managed_by(companies).values("pk"))
    )
    at_street = Q(
        level=Level.STREET, compound__community__street_id__in=area(K.STREET_OFFICE, "street_id")
    )
    at_district = Q(
        level=Level.DISTRICT,
        compound__community__street__district_id__in=area(K.BUREAU, "district_id"),
    )
    return at_community | at_street | at_district


def registration_levels(user) -> list[str]:
    """Levels a user may register a case at: the bureau any; everyone else below district
    (a district case comes from escalation, or from the bureau itself)."""
    if user is None or user.is_superuser:
        return list(Level.values)
    is_bureau = Membership.objects.filter(
        user=user, organisation__kind=K.BUREAU, role__in=ACTING_ROLES
    ).exists()
    if is_bureau:
        return list(Level.values)
    return [Level.COMMUNITY, Level.STREET]
