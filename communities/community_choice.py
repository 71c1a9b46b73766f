"""Choosing a community on a workbench form: a select while the user's communities are few, a
typeahead once they are many (issue 14: a province's bureau records activities for some 2,000
communities, and a select of them all broke the pages' limit of ``<option>`` tags).

The typeahead is the compounds' (``communities.compound_choice``): the same widget and script,
asking ``communities:community_autocomplete`` (``community_matches``), and a field that checks
the posted id against the form's communities exactly as the select did.
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
    CompoundChoiceField,
    select_or_typeahead,
)
from communities.models import Community
from communities.selectors import COMMUNITY_CHOICES_MAX


def community_label(community) -> str:
    """How a community is named in a choice: «名称（编码）»."""
    return f"{community.name}（{community.code}）"


def community_matches(*, user, query: str = "") -> list[dict]:
    """The user's communities whose name or code holds every word of ``query`` (at most
    ``MATCHES_MAX``, by street and code), as ``{"id", "text"}``; one query."""
    communities = Community.objects.visible_to(user)
    for word in query.strip()[:QUERY_MAX_LENGTH].split()[:QUERY_WORDS_MAX]:
        communities = communities.filter(Q(name__icontains=word) | Q(code__icontains=word))
    rows = communities.order_by("street__code", "code").only("pk", "name", "code")[:MATCHES_MAX]
    return [{"id": c.pk, "text": community_label(c)} for c in rows]


class CommunityAutocomplete(CompoundAutocomplete):
    url_name = "communities:community_autocomplete"
    placeholder = _("Type a community's name")
    nothing_found = _("No community found")


class CommunityChoiceField(CompoundChoiceField):
    """One community among ``queryset``, chosen by typing; cleaned to the community."""

    widget = CommunityAutocomplete

    def label_from_instance(self, obj) -> str:
        return community_label(obj)


def community_choice_field(communities: QuerySet, **kwargs) -> forms.Field | None:
    """A community among ``communities``: a select while they are at most
    ``COMMUNITY_CHOICES_MAX``, else the typeahead; None when there is none to choose
    (``select_or_typeahead``: one query)."""
    field, seen = select_or_typeahead(
        CommunityChoiceField, communities, limit=COMMUNITY_CHOICES_MAX, **kwargs
    )
    return field if seen else None
