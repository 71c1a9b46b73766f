"""Choosing the organisation that runs a new patrol team: a select while the user's are few, a
typeahead once they are many (issue 14: a province's bureau runs, through those below it, some
4,000 organisations, every company and community, and a select of them all broke the pages'
limit of ``<option>`` tags).

The typeahead is the compounds' (``communities.compound_choice``): the same widget and script,
asking ``patrols:organisation_autocomplete`` (``organisation_matches``), and a field that checks
the posted id against ``organisations_run_by(user)`` exactly as the select did.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from communities.compound_choice import (
    MATCHES_MAX,
    QUERY_MAX_LENGTH,
    QUERY_WORDS_MAX,
    CompoundAutocomplete,
    CompoundChoiceField,
)
from patrols.services_teams import organisations_run_by

#: Past this many organisations, the team form's "run by" is a typeahead.
ORGANISATION_CHOICES_MAX = 60
ORDER = ("kind", "name")


def organisation_matches(*, user, query: str = "") -> list[dict]:
    """The organisations whose teams the user may run, whose name holds every word of ``query``
    (at most ``MATCHES_MAX``, by kind and name), as ``{"id", "text"}``; one query."""
    organisations = organisations_run_by(user)
    for word in query.strip()[:QUERY_MAX_LENGTH].split()[:QUERY_WORDS_MAX]:
        organisations = organisations.filter(name__icontains=word)
    rows = organisations.order_by(*ORDER).only("pk", "name")[:MATCHES_MAX]
    return [{"id": o.pk, "text": o.name} for o in rows]


class OrganisationAutocomplete(CompoundAutocomplete):
    url_name = "patrols:organisation_autocomplete"
    placeholder = _("Type an organisation's name")
    nothing_found = _("No organisation found")
    label_fields = ("pk", "name")
    label_order = ORDER


class OrganisationChoiceField(CompoundChoiceField):
    """One organisation among ``queryset``, chosen by typing; cleaned to the organisation."""

    widget = OrganisationAutocomplete

    def label_from_instance(self, obj) -> str:
        return obj.name
