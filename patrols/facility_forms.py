"""Forms of the facilities pages: they read input; the services and ``Facility.clean`` decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.forms import COMMUNITY_NEEDS_STREET, FilterForm, WorkbenchForm
from communities.street_choice import street_filter_field
from patrols.facility_selectors import STATUS_CHOICES, CoverageFilters
from patrols.models import EntranceKind, FacilityKind, FacilityLocation
from patrols.models.facilities import QUANTITY_MAX

SEARCH_MAX_LENGTH = 100


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "max": timezone.localdate().isoformat()}
        return super().get_context(name, value, attrs)


class EntranceForm(WorkbenchForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=40,
        help_text=_("As people call it, e.g. 北门, 2号门."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=EntranceKind.choices)


class FacilityForm(WorkbenchForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=FacilityKind.choices)
    location = forms.ChoiceField(label=_("Location"), choices=FacilityLocation.choices)
    entrance = forms.ModelChoiceField(label=_("Entrance"), queryset=None, required=False)
    entrance.required_when = _("required at an entrance")
    building = forms.CharField(label=_("Building"), max_length=20, required=False)
    building.required_when = _("required at a building")
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=QUANTITY_MAX, initial=1
    )
    in_service = forms.BooleanField(label=_("In service"), required=False, initial=True)
    out_of_service_since = forms.DateField(
        label=_("Out of service since"),
        required=False,
        widget=DateInput(),
        help_text=_("Only when it is out of service; today if left empty."),
    )
    checked_on = forms.DateField(label=_("Checked on"), required=False, widget=DateInput())

    def __init__(self, *args, entrances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entrance"].queryset = entrances
        self.fields["entrance"].empty_label = _("Please choose")


class OutOfServiceForm(WorkbenchForm):
    since = forms.DateField(
        label=_("Out of service since"),
        required=False,
        widget=DateInput(),
        help_text=_("Today if left empty."),
    )


class CoverageFilterForm(FilterForm):
    """The coverage list's filters from the query string (a value outside the user's streets
    or communities is left out and reported)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    street = forms.TypedChoiceField(label=_("Street"), required=False)  # street_filter_field
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int)
    status = forms.ChoiceField(
        label=_("Coverage status"), required=False, choices=[("", _("All")), *STATUS_CHOICES]
    )

    def __init__(self, *args, streets, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"] = street_filter_field(streets)
        self.fields["community"].choices = [("", _("All"))] + [(c.pk, c.name) for c in communities]
        if getattr(communities, "need_street", False):
            self.fields["community"].help_text = COMMUNITY_NEEDS_STREET
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Compound name or code")}
        )

    def filters(self) -> CoverageFilters:
        self.is_valid()
        data = self.cleaned_data
        return CoverageFilters(
            street_id=data.get("street") or None,
            community_id=data.get("community") or None,
            status=data.get("status") or "",
            query=(data.get("q") or "").strip(),
        )
