"""Choosing a street on a list's filter: a select while the user's streets are few, a typeahead
once they are many (issue 14: a province's bureau sees hundreds of streets, and a select of
them all broke the pages' limit of 100 ``<option>`` tags).

The typeahead is the compounds' (``communities.compound_choice``): the same widget and script,
asking ``communities:street_autocomplete`` (``street_matches``), and a field that checks the
posted id against the user's streets exactly as the select did.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from communities.compound_choice import (
    MATCHES_MAX,
    QUERY_MAX_LENGTH,
    QUERY_WORDS_MAX,
    CompoundAutocomplete,
    CompoundFilterField,
)
from communities.models import Street

ALL = _("All")

#: Past this many streets in a user's scope, a street filter is a typeahead.
STREET_CHOICES_MAX = 60


def streets_to_offer(streets: QuerySet) -> list[Street] | None:
    """``streets`` by code for a select, or None when they are more than ``STREET_CHOICES_MAX``
    (then the filter is a typeahead); one query of at most ``STREET_CHOICES_MAX + 1`` rows."""
    rows = list(streets.order_by("code")[: STREET_CHOICES_MAX + 1])
    return None if len(rows) > STREET_CHOICES_MAX else rows


def street_matches(*, user, query: str = "") -> list[dict]:
    """The user's streets whose name or code holds every word of ``query`` (at most
    ``MATCHES_MAX``, by code), as ``{"id", "text"}``; one query."""
    streets = Street.objects.visible_to(user)
    for word in query.strip()[:QUERY_MAX_LENGTH].split()[:QUERY_WORDS_MAX]:
        streets = streets.filter(Q(name__icontains=word) | Q(code__icontains=word))
    rows = streets.order_by("code").only("pk", "name")[:MATCHES_MAX]
    return [{"id": street.pk, "text": street.name} for street in rows]


class StreetAutocomplete(CompoundAutocomplete):
    url_name = "communities:street_autocomplete"
    placeholder = _("Type a street's name")
    nothing_found = _("No street found")


class StreetFilterField(CompoundFilterField):
    """A list's street filter among ``queryset`` (the user's streets), cleaned to the id."""

    widget = StreetAutocomplete

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("label", _("Street"))
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.name

    def label_of(self, value) -> str:
        if self.chosen is None or self.chosen.pk != value:
            self.chosen = self.queryset.get(pk=value)
        return self.chosen.name


def street_filter_field(
    streets: QuerySet, *, empty_label=ALL, required: bool = False
) -> forms.Field:
    """A street among ``streets`` (the user's), cleaned to the id (or empty): a select of them
    while they are at most ``STREET_CHOICES_MAX``, else the typeahead; ``empty_label`` names
    the empty choice (None: no empty choice). One query, that of ``streets_to_offer``."""
    offered = streets_to_offer(streets)
    if offered is None:
        return StreetFilterField(queryset=streets, empty_label=empty_label, required=required)
    empty = [] if empty_label is None else [("", empty_label)]
    choices = [*empty, *((street.pk, street.name) for street in offered)]
    return forms.TypedChoiceField(label=_("Street"), required=required, coerce=int, choices=choices)


def offers_street_choice(field: forms.Field) -> bool:
    """Whether the filter has a choice to make: a typeahead, or a select of two streets or more
    (a street office's list needs no filter of its one street)."""
    return isinstance(field, StreetFilterField) or len(field.choices) > 2
