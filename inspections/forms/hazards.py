"""Forms of the hazard and key-management pages: they check input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.compound_choice import (
    CompoundAutocomplete,
    CompoundChoiceField,
    CompoundFilterField,
)
from communities.forms import DeadlineField, FilterForm, WorkbenchForm
from communities.uploads import UploadField
from inspections.models import HazardCategory, HazardStatus, Severity
from inspections.selectors.hazards import STATUS_UNVERIFIED, HazardFilters, current_company_name
from inspections.services.hazards import hazard_deadline_bounds, hazard_deadline_check

MSG_PHOTO_ONLY = _("Only photos (JPEG, PNG, WebP) can be uploaded here.")
MSG_NO_RESPONSIBLE_PARTY = _(
    "This compound has no property company; say who is responsible for the rectification."
)
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
TEXT_MAX_LENGTH = 2000


class PhotoField(UploadField):
    """An upload that must be a photo: a hazard's picture is never a PDF."""

    widget = forms.FileInput(attrs={"accept": PHOTO_ACCEPT})

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data and not data.checked_content_type.startswith("image/"):
            raise forms.ValidationError(MSG_PHOTO_ONLY)
        return data


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# The hazard list's filters ----------------------------------------------------------------------


SEARCH_MAX_LENGTH = 100


class HazardFilterForm(FilterForm):
    """The list's filters from the query string; a value that cannot be used is left out and
    reported (``refused``)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), (STATUS_UNVERIFIED, _("not yet verified")), *HazardStatus.choices],
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *HazardCategory.choices]
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("All")), *Severity.choices]
    )
    compound = CompoundFilterField()
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("For me to act on"), required=False)

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Compound, description or responsible party")}
        )

    def filters(self) -> HazardFilters:
        self.is_valid()
        data = self.cleaned_data
        return HazardFilters(
            status=data.get("status") or "",
            category=data.get("category") or "",
            severity=data.get("severity") or "",
            compound_id=data.get("compound") or None,
            overdue=bool(data.get("overdue")),
            mine=bool(data.get("mine")),
            query=(data.get("q") or "").strip(),
        )


# Raising and working on a hazard ----------------------------------------------------------------


class HazardRaiseForm(WorkbenchForm):
    # The chosen compound's company fills the responsible party (hazard-form.js).
    compound = CompoundChoiceField(
        label=_("Compound"), widget=CompoundAutocomplete(params={"company": 1})
    )
    category = forms.ChoiceField(label=_("Category"), choices=HazardCategory.choices)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_MAX_LENGTH,
        widget=_textarea(4),
        help_text=_("What is wrong and where, so the company can find it."),
    )
    photo = PhotoField(label=_("Photo"), required=False)
    responsible_party = forms.CharField(
        label=_("Responsible party"),
        max_length=100,
        required=False,
        help_text=_("Leave empty for the compound's current property company."),
    )
    responsible_party.required_when = _("required when the compound has no property company")
    deadline = DeadlineField(
        label=_("Rectify by"), check=hazard_deadline_check, bounds=hazard_deadline_bounds
    )

    def __init__(self, *args, compounds, fixed_compound=None, **kwargs):
        """``compounds``: those the user may choose; ``fixed_compound``: the compound of the
        failed item the hazard is raised from (then there is nothing to choose)."""
        super().__init__(*args, **kwargs)
        self.fixed_compound = fixed_compound
        if fixed_compound is not None:
            del self.fields["compound"]
        else:
            self.fields["compound"].queryset = compounds

    def clean(self):
        data = super().clean()
        compound = self.fixed_compound or data.get("compound")
        if compound is not None and not data.get("responsible_party"):
            name = current_company_name(compound=compound)
            if name:
                data["responsible_party"] = name
            else:
                self.add_error("responsible_party", MSG_NO_RESPONSIBLE_PARTY)
        return data


class HazardRectifyForm(WorkbenchForm):
    note = forms.CharField(
        label=_("What was done"), max_length=TEXT_MAX_LENGTH, widget=_textarea(4)
    )
    after_photo = PhotoField(label=_("Photo after rectification"))


class HazardVerifyForm(WorkbenchForm):
    note = forms.CharField(
        label=_("Note"), max_length=TEXT_MAX_LENGTH, required=False, widget=_textarea(2)
    )


class HazardRejectForm(WorkbenchForm):
    reason = forms.CharField(
        label=_("Why it is not good enough"), max_length=TEXT_MAX_LENGTH, widget=_textarea(3)
    )
    deadline = DeadlineField(
        label=_("New deadline"),
        check=lambda day: hazard_deadline_check(day, renewed=True),
        bounds=lambda: hazard_deadline_bounds(renewed=True),
    )


# Key management by hand -------------------------------------------------------------------------


MSG_ALREADY_ON_KEY_MANAGEMENT = _("Choose one of your compounds that is not on key management now.")


class KeyManagementEnterForm(WorkbenchForm):
    # The typeahead offers every compound of the user's: say why one on the list now is refused.
    compound = CompoundChoiceField(
        label=_("Compound"), error_messages={"invalid_choice": MSG_ALREADY_ON_KEY_MANAGEMENT}
    )
    reason = forms.CharField(
        label=_("Reason for entering"), max_length=TEXT_MAX_LENGTH, widget=_textarea(3)
    )

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds


class KeyManagementLeaveForm(WorkbenchForm):
    compound = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for leaving"), max_length=TEXT_MAX_LENGTH, widget=_textarea(2)
    )

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds
