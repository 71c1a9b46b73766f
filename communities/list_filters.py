"""The search, street and community filters of a list of compounds, read from the query
string: the home page's, reused by other apps' lists of compounds (the watch-group list …).

An id outside the user's choices is ignored (no filter), as is a search past its length. Past
``STREET_CHOICES_MAX`` streets the street filter is a typeahead (``communities.street_choice``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms

from communities import selectors
from communities.models import Street
from communities.street_choice import StreetFilterField, streets_to_offer
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
    street_field: object = None  # the typeahead, past STREET_CHOICES_MAX streets
    communities: list = field(default_factory=list)

    @property
    def is_filtered(self) -> bool:
        return bool(self.search or self.street_id or self.community_id)

    def context(self) -> dict:
        """What ``partials/compound_filters.html`` needs."""
        return {
            "search": self.search,
            "streets": self.streets,
            "street_field": self.street_field,
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


class StreetFilterForm(forms.Form):
    """The street filter as a typeahead, for a user with many streets."""

    street = StreetFilterField()

    def __init__(self, streets, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets


def compound_list_filters(user, query) -> CompoundListFilters:
    visible = Street.objects.visible_to(user)
    streets, street_field = streets_to_offer(visible), None
    if streets is None:
        form = StreetFilterForm(visible, {"street": query.get("street", "")})
        street_id = form.cleaned_data["street"] if form.is_valid() else None
        street_field, streets = form["street"], []
    else:
        street_id = chosen_id(query.get("street"), {s.pk for s in streets})
    communities = selectors.communities_for_filter(
        user=user, street_id=street_id, chosen_id=ascii_int(query.get("community"))
    )
    return CompoundListFilters(
        search=query.get("q", "").strip()[:SEARCH_MAX_LENGTH],
        street_id=street_id,
        community_id=chosen_id(query.get("community"), {c.pk for c in communities}),
        streets=streets,
        street_field=street_field,
        communities=communities,
    )
