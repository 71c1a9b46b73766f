"""Forms of the residents pages: they check input; the services decide.

A user who may not see personal data in full types a new resident's name, document and phone
but never reads them back: on an existing resident those fields are left out of the form (the
stored values stay), as the admin does with a household's head.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.forms import WorkbenchForm
from communities.models import DocumentType, Occupancy, Relation, Resident, ResidentKind

from .services import Person

PERSONAL = ("name", "document_type", "id_number", "phone")
DATE = {"type": "date"}


def _date(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(DATE, format="%Y-%m-%d"), **kwargs
    )


class ResidentForm(WorkbenchForm):
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=40)
    document_type = forms.ChoiceField(
        label=_("document type"), choices=DocumentType.choices, initial=DocumentType.ID_CARD
    )
    id_number = forms.CharField(
        label=_("document number"),
        max_length=32,
        widget=forms.TextInput({"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput({"inputmode": "tel", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label=_("resident kind"), choices=ResidentKind.choices, initial=ResidentKind.REGISTERED
    )
    relation = forms.ChoiceField(
        label=_("relation to the household"), choices=Relation.choices, initial=Relation.FAMILY
    )
    moved_in = _date(_("moved in"))
    registered_on = _date(_("residence registered on"))
    registered_by = forms.CharField(
        label=_("registering office"),
        max_length=60,
        required=False,
        help_text=_("The police station or community that registered the residence."),
    )
    permit_expires = _date(_("residence permit expires"))

    def __init__(self, *args, personal: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate().isoformat()
        for name in ("moved_in", "registered_on"):
            self.fields[name].widget.attrs["max"] = today
        self.fields["registered_on"].help_text = _(
            "Floating residents and residents from abroad only; leave the three empty while "
            "they have not registered (the work list shows them)."
        )
        if not personal:
            for name in PERSONAL:
                del self.fields[name]

    def person(self, resident: Resident | None = None) -> Person:
        """The typed values; fields left out of the form keep the resident's stored ones."""
        values = {
            name: getattr(resident, name) for name in PERSONAL if name not in self.cleaned_data
        }  # placeholders: the service keeps the stored values, read under its lock
        values.update(self.cleaned_data)
        values["phone"] = values.get("phone") or ""
        values["registered_by"] = values.get("registered_by") or ""
        return Person(**values)

    @classmethod
    def initial_for(cls, resident: Resident) -> dict:
        return {name: getattr(resident, name) for name in cls.base_fields}


class MoveOutForm(WorkbenchForm):
    moved_out = forms.DateField(
        label=_("moved out on"), widget=forms.DateInput(DATE, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["moved_out"].initial = today
        self.fields["moved_out"].widget.attrs["max"] = today.isoformat()


class OccupancyForm(WorkbenchForm):
    """Owner-occupied, rented (with the landlord: 谁出租谁负责) or vacant."""

    occupancy = forms.ChoiceField(label=_("occupancy"), choices=Occupancy.choices)
    landlord_name = forms.CharField(label=_("landlord"), max_length=40, required=False)
    landlord_phone = forms.CharField(
        label=_("landlord's phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput({"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args, keeps_landlord: str = "", **kwargs):
        """``keeps_landlord``: the masked landlord on record, for a user who may not read it in
        full; left empty, the fields keep it."""
        super().__init__(*args, **kwargs)
        for name in ("landlord_name", "landlord_phone"):
            self.fields[name].required_when = _("for a rented home")
            if keeps_landlord:
                self.fields[name].help_text = _(
                    "Leave empty to keep the landlord on record (%(landlord)s)."
                ) % {"landlord": keeps_landlord}
