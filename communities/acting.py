"""Who acts for a compound: the one rule every app asks.

Four organisations act for a compound, each at its own level:

- the property company running it **today** (a current ``ManagementTerm``);
- the community committee of its community;
- the street office of its street;
- the housing bureau of its district.

Their admins and staff act; viewers only look. Hazards go to the company, a dispute at
compound/community level to the committee and the company, at street level to the street
office, at district level to the bureau; notices reach the same people. The rule is also
available for a whole queryset (``acting_for_q``), for lists such as "cases waiting for us".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from communities.models import (
    Compound,
    ManagementTerm,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
)

K = OrganisationKind
ACTING_ROLES = (Role.ADMIN, Role.STAFF)
EVERY_KIND = (K.PROPERTY_COMPANY, K.COMMUNITY_COMMITTEE, K.STREET_OFFICE, K.BUREAU)


def _kind_q(kind: str, compound: Compound) -> Q:
    if kind == K.PROPERTY_COMPANY:
        running = ManagementTerm.objects.current().filter(compound=compound).values("company_id")
        return Q(kind=kind, property_company_id__in=running)
    if kind == K.COMMUNITY_COMMITTEE:
        return Q(kind=kind, community_id=compound.community_id)
    if kind == K.STREET_OFFICE:
        return Q(kind=kind, street_id=compound.community.street_id)
    return Q(kind=kind, district_id=compound.community.street.district_id)


def organisations_acting_for(
    compound: Compound, kinds: Iterable[str] = EVERY_KIND
) -> QuerySet[Organisation]:
    """The organisations of these kinds that act for the compound (a queryset)."""
    condition = Q(pk__in=[])
    for kind in kinds:
        condition |= _kind_q(kind, compound)
    return Organisation.objects.filter(condition)


def members_acting_in(organisations) -> QuerySet:
    """Active admins and staff of these organisations (a queryset or list), by username."""
    members = Membership.objects.filter(organisation__in=organisations, role__in=ACTING_ROLES)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=members.values("user_id"))
        .order_by("username")
    )


def users_acting_for(compound: Compound, kinds: Iterable[str] = EVERY_KIND) -> QuerySet:
    """The people who act for the compound for these kinds of organisation."""
    return members_acting_in(organisations_acting_for(compound, kinds))


def acting_kinds(user) -> set[str]:
    """The kinds of organisation the user acts for (as admin or staff)."""
    if user is None or not user.is_authenticated:
        return set()
    rows = Membership.objects.filter(user_id=user.pk, role__in=ACTING_ROLES)
    return set(rows.values_list("organisation__kind", flat=True))


def acting_for_q(user, kinds: Iterable[str], *, compound: str = "compound") -> Q:
    """The same rule turned round, for a whole queryset: rows whose compound (reached through
    ``compound``; "" for a queryset of compounds) the user acts for through an organisation of
    these kinds (subqueries; tests check that the two forms agree)."""
    if user.is_superuser:
        return Q()
    acting = Membership.objects.filter(user_id=user.pk, role__in=ACTING_ROLES)

    def area(kind: str, field: str):
        return acting.filter(organisation__kind=kind).values(f"organisation__{field}")

    paths = {
        K.PROPERTY_COMPANY: None,
        K.COMMUNITY_COMMITTEE: ("community_id", "community_id"),
        K.STREET_OFFICE: ("community__street_id", "street_id"),
        K.BUREAU: ("community__street__district_id", "district_id"),
    }
    prefix = f"{compound}__" if compound else ""
    condition = Q(pk__in=[])
    for kind in kinds:
        if kind == K.PROPERTY_COMPANY:
            managed = Compound.objects.managed_by(area(kind, "property_company_id"))
            condition |= Q(**{f"{prefix}pk__in": managed.values("pk")})
        else:
            path, field = paths[kind]
            condition |= Q(**{f"{prefix}{path}__in": area(kind, field)})
    return condition
