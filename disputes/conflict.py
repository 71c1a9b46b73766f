"""回避 (conflict of interest): a property company never handles, nor reads in full, a dispute
about itself.

A case **concerns a property company** (``DisputeCase.concerns_company``) when it is about
property service (物业服务), or when its respondent is the compound's property company
(``respondent_company``, fixed at registration: the company running the compound that day). For
such a case:

- at compound/community level the community committee alone handles it (``disputes.handlers``
  leaves property companies out); street and district levels are as for any case;
- a member (any role) of the respondent company, or of a company running the compound today, is
  **in conflict**: they may not act on the case, be its leader or handler, or see its parties,
  its texts and its agreement unmasked, whatever else they are a member of.

``company_ties(user)`` reads what is needed once (no query for a user without a company, nor
for a user who belongs to companies only: every case such a user sees lies in a compound their
company runs); ``CompanyTies.conflicted(case)`` then decides per case from the case's own
columns, so lists and exports add no query per row. ``conflicted_q`` is the same rule for a
queryset and ``recused_members`` the people it excludes from one case.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from communities.models import ManagementTerm, Membership
from communities.scoping import scope_for
from disputes.models import DisputeCase, concerns_company_q


@dataclass(frozen=True)
class CompanyTies:
    """The property companies a user belongs to and the compounds they run today (``None``:
    every compound the user can see, for a user who belongs to companies only)."""

    company_ids: frozenset[int] = frozenset()
    compound_ids: frozenset[int] | None = frozenset()

    def conflicted(self, case: DisputeCase) -> bool:
        """Is the user in conflict on this case (it concerns their company)?"""
        if not self.company_ids or not case.concerns_company:
            return False
        if self.compound_ids is None:
            return True
        return (
            case.respondent_company_id in self.company_ids or case.compound_id in self.compound_ids
        )


NO_TIES = CompanyTies()


def company_ties(user) -> CompanyTies:
    """The user's ties to property companies (operators and users without a company: none)."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return NO_TIES
    scope = scope_for(user)
    if not scope.company_ids:
        return NO_TIES
    if scope.company_only:
        return CompanyTies(scope.company_ids, None)
    compounds = frozenset(scope.managed_compounds().values_list("pk", flat=True))
    return CompanyTies(scope.company_ids, compounds)


def in_conflict(user, case: DisputeCase) -> bool:
    """Must this user step aside on this case (回避)? Never for the system (``None``)."""
    return company_ties(user).conflicted(case)


def conflicted_q(user) -> Q:
    """``in_conflict`` for a queryset of cases: those this user must step aside on."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return Q(pk__in=[])
    scope = scope_for(user)
    if not scope.company_ids:
        return Q(pk__in=[])
    if scope.company_only:
        return concerns_company_q()
    mine = Q(respondent_company_id__in=scope.company_ids) | Q(
        compound__in=scope.managed_compounds()
    )
    return concerns_company_q() & mine


def recused_members(case: DisputeCase) -> QuerySet | None:
    """The ids of the users who must step aside on the case (a subquery), or None when the case
    concerns no property company: the members of the respondent company and of the companies
    running the compound today."""
    if not case.concerns_company:
        return None
    running = ManagementTerm.objects.current().filter(compound_id=case.compound_id)
    companies = Q(organisation__property_company_id__in=running.values("company_id"))
    if case.respondent_company_id is not None:
        companies |= Q(organisation__property_company_id=case.respondent_company_id)
    return Membership.objects.filter(companies).values("user_id")
