"""Whether a row an import is about to write will be visible to the importing user.

The dry run writes nothing, so it cannot ask ``visible_to(user)`` about the rows it checked.
These functions answer in memory from the user's ``Scope`` (``communities.scoping``) and the
parents the row's foreign keys point to (each read once per import, by the lookup widgets),
following each model's ``scope_filter``. A real import also re-checks what it wrote with
``visible_to`` (``RegisterResource._check_saved_in_scope``), so these answers can only make an
import fail earlier, never let a row out of scope through. ``tests/communities/
test_import_bulk.py`` checks them against ``visible_to`` for the whole cast.

Each function says whether a row placed under its parents is in the user's area; rows kept
visible by their own id (a company's managed compound, the company itself) are the caller's
business (``RegisterResource.stays_visible``).
"""

from __future__ import annotations


def community_in_area(community, scope) -> bool:
    return (
        community.pk in scope.community_ids
        or community.street_id in scope.street_ids
        or community.street.district_id in scope.district_ids
    )


def compound_in_area(compound, scope) -> bool:
    return community_in_area(compound.community, scope)


def street_in_area(street, scope) -> bool:
    return street.district_id in scope.district_ids


def district_in_area(district, scope) -> bool:
    return False  # a new district is visible to operators only (``scope.everything``)


def company_in_area(company, scope) -> bool:
    return company.district_id in scope.district_ids


def term_in_area(term, scope) -> bool:
    return term.company_id in scope.company_ids or compound_in_area(term.compound, scope)


def household_in_area(household, scope) -> bool:
    # Its compound came from the compounds the user sees: a household's scope is its compound's.
    return True
