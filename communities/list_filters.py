"""The search, street and community filters of a list of compounds, read from the query
string: the home page's, reused by other apps' lists of compounds (the watch-group list …).

An id outside the user's choices is ignored (no filter), as is a search past its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from communities import selectors
from communities.validators import ascii_int

SEARCH_MAX_LENGTH = 100


def chosen_id(raw: str | None, allowed: set[int]) -> int | None:
    """An id from the query string if it is one of the offered choices, else no filter."""
    value = ascii_int(raw)
    return value if value in allowed else None


@dataclass
class CompoundListFilters:
    search: str = ""
    street_id: int | None = None
    community_id: int | None = None
    streets: list = field(default_factory=list)
    communities: list = field(default_factory=list)

    @property
    def is_filtered(self) -> bool:
        return bool(self.search or self.street_id or self.community_id)

    def context(self) -> dict:
        """What ``partials/compound_filters.html`` needs."""
        return {
            "search": self.search,
            "streets": self.streets,
            "communities": self.communities,
            "street_id": self.street_id,
            "community_id": self.community_id,
            "communities_need_street": getattr(self.communities, "need_street", False),
            "is_filtered": self.is_filtered,
        }

    def compounds(self, user):
        """The user's compounds narrowed by these filters (the home page's list)."""
        return selectors.compounds_for_home(
            user=user,
            search=self.search,
            street_id=self.street_id,
            community_id=self.community_id,
        )


def compound_list_filters(user, query) -> CompoundListFilters:
    streets = selectors.streets_for_filter(user=user)
    street_id = chosen_id(query.get("street"), {s.pk for s in streets})
    communities = selectors.communities_for_filter(
        user=user, street_id=street_id, chosen_id=ascii_int(query.get("community"))
    )
    return CompoundListFilters(
        search=query.get("q", "").strip()[:SEARCH_MAX_LENGTH],
        street_id=street_id,
        community_id=chosen_id(query.get("community"), {c.pk for c in communities}),
        streets=streets,
        communities=communities,
    )
