"""The filters of the registration work list and of the residents export, read from the query
string by the page and by the export alike, so a file holds what the page shows.

Choices are the user's own streets, communities and compounds: an id outside them is an
invalid choice, left out of the filter and reported (``FilterForm.refused``), never a way to
read another area's rows. The search ``q`` matches places only — compound code or name,
building, room — never a person's name, ID number or phone: a reader who sees them masked must
not be able to probe them by searching.

- ``WorklistFilters(user, data)``: the work list's item (a tab, ``WorkItem``, not registered by
  default), place, kind and search; ``.rows()`` the chosen item's rows, ``.counts()`` the tabs.
- ``ResidentFilters(user, data)``: the residents export's place and search, present residents
  unless ``moved_out`` asks for those who moved out too.
"""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities import selectors
from communities.compound_choice import CompoundFilterField
from communities.forms import COMMUNITY_NEEDS_STREET, FilterForm
from communities.models import Household, Resident, Street
from communities.models.residents import REGISTERING_KINDS
from communities.scoping import compounds_visible_to
from communities.street_choice import street_filter_field
from communities.validators import ascii_int

from . import tallies
from .worklist import WorkItem, homes_without_tenant, item_counts, item_residents

SEARCH_MAX_LENGTH = 50
SEARCH_TERMS_MAX = 4
#: the homes of the NO_TENANT tab, in the order of the page (compound, then the address)
HOME_ORDER = ["compound__code", "building", "unit", "room", "pk"]


def _all(choices) -> list:
    return [("", _("All")), *choices]


class PlaceFilters(FilterForm):
    """Street, community, compound (the user's own) and a search over places."""

    street = forms.TypedChoiceField(label=_("Street"), required=False)  # street_filter_field
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int)
    compound = CompoundFilterField()
    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)

    def __init__(self, user, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        self.user = user
        streets = Street.objects.visible_to(user)
        communities = selectors.communities_for_filter(
            user=user,
            street_id=ascii_int(self.data.get("street")),
            chosen_id=ascii_int(self.data.get("community")),
        )
        self.fields["street"] = street_filter_field(streets)
        self.fields["community"].choices = _all((c.pk, c.name) for c in communities)
        if communities.need_street:
            self.fields["community"].help_text = COMMUNITY_NEEDS_STREET
        self.fields["compound"].queryset = selectors.compounds_for_filter(user=user)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Compound, building or room")}
        )

    def value(self, name: str):
        """A field's usable value ("" or None when absent or left out)."""
        self.is_valid()
        return self.cleaned_data.get(name)

    def place_q(self, prefix: str = "") -> Q:
        """The chosen place and search as a condition on households (``prefix`` reaches the
        household: ``"household__"`` for residents)."""
        condition = Q()
        compound = f"{prefix}compound__"
        if self.value("street"):
            condition &= Q(**{f"{compound}community__street_id": self.value("street")})
        if self.value("community"):
            condition &= Q(**{f"{compound}community_id": self.value("community")})
        if self.value("compound"):
            condition &= Q(**{f"{prefix}compound_id": self.value("compound")})
        # Each word must name the place: a compound's code or name, a building or a room.
        for word in (self.value("q") or "").split()[:SEARCH_TERMS_MAX]:
            condition &= (
                Q(**{f"{compound}code__iexact": word})
                | Q(**{f"{compound}name__icontains": word})
                | Q(**{f"{prefix}building__iexact": word})
                | Q(**{f"{prefix}room__icontains": word})
            )
        return condition

    def households(self) -> QuerySet:
        """The user's households narrowed by these filters."""
        return Household.objects.visible_to(self.user).filter(self.place_q())

    def compounds(self) -> QuerySet:
        """The user's compounds narrowed by the chosen place (not by the search)."""
        compounds = compounds_visible_to(self.user)
        if self.value("street"):
            compounds = compounds.filter(community__street_id=self.value("street"))
        if self.value("community"):
            compounds = compounds.filter(community_id=self.value("community"))
        if self.value("compound"):
            compounds = compounds.filter(pk=self.value("compound"))
        return compounds

    def residents(self) -> QuerySet:
        """The user's residents (present or not) narrowed by these filters."""
        return Resident.objects.visible_to(self.user).filter(self.place_q("household__"))


class WorklistFilters(PlaceFilters):
    """The work list's filters; ``item`` is the tab (``chosen_item``: not registered by
    default)."""

    item = forms.ChoiceField(
        label=pgettext_lazy("work list", "Item"), required=False, choices=WorkItem.choices
    )
    kind = forms.ChoiceField(
        label=_("resident kind"),
        required=False,
        choices=_all((k.value, k.label) for k in REGISTERING_KINDS),
    )

    field_order = ["item", "street", "community", "compound", "kind", "q"]

    @property
    def chosen_item(self) -> WorkItem:
        return WorkItem(self.value("item") or WorkItem.UNREGISTERED)

    def residents(self) -> QuerySet:
        residents = super().residents()
        if self.value("kind"):
            residents = residents.filter(kind=self.value("kind"))
        return residents

    def rows(self, on: datetime.date | None = None) -> QuerySet:
        """The chosen item's rows on the day: residents (with their household, compound and
        community), or households for ``NO_TENANT`` (with ``tenant_count`` and
        ``roster_present``)."""
        if self.chosen_item == WorkItem.NO_TENANT:
            homes = homes_without_tenant(self.households(), on)
            return homes.select_related("compound__community").order_by(*HOME_ORDER)
        rows = item_residents(self.residents(), self.chosen_item, on)
        return rows.select_related("household__compound__community")

    def counts(self, on: datetime.date | None = None) -> dict[str, int]:
        """How many rows each tab has under the other filters: today's narrowed by places only
        add up the compounds' tallies, the rest are counted (two queries)."""
        today = timezone.localdate()
        if (on or today) == today and not (self.value("kind") or self.value("q")):
            return tallies.item_counts(tallies.current(self.compounds(), today))
        return item_counts(self.residents(), self.households(), on)


class ResidentFilters(PlaceFilters):
    """The residents export's filters: present residents, or with ``moved_out`` those who
    moved out too (the history)."""

    moved_out = forms.BooleanField(label=_("Including those who moved out"), required=False)

    def residents(self, on: datetime.date | None = None) -> QuerySet:
        residents = super().residents()
        if not self.value("moved_out"):
            residents = residents.present(on)
        return residents
