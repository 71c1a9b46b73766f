"""Forms of the watch-group pages: a group's households and leader, and a reviewed proposal."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.forms import WorkbenchForm
from communities.validators import validate_phone

from .models import GroupKind
from .watch_groups import MSG_DATE_FUTURE, GroupSpec, household_order, room_address


class HouseholdChoice(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return room_address(obj)


class LeaderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return room_address(obj)


def _formed_on_field() -> forms.DateField:
    return forms.DateField(
        label=_("formed on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class GroupForm(WorkbenchForm):
    """One group: its number (blank: the next free one), kind, households and leader."""

    number = forms.CharField(label=_("group number"), max_length=20, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=GroupKind.choices)
    households = HouseholdChoice(label=_("households"), queryset=None)
    leader = LeaderChoice(label=_("leader's household"), queryset=None, required=False)
    leader_name = forms.CharField(
        label=_("leader (联户长)"),
        max_length=40,
        required=False,
        help_text=_("Left blank: the head of the leader's household."),
    )
    leader_phone = forms.CharField(
        label=_("leader's phone"), max_length=20, required=False, validators=[validate_phone]
    )

    def __init__(self, *args, households, with_date: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = households
        self.fields["leader"].queryset = households
        # Offered in neighbouring order (2-1-102 before 2-1-1001), read once for both fields.
        ordered = [(h.pk, room_address(h)) for h in sorted(households, key=household_order)]
        self.fields["households"].choices = ordered
        self.fields["leader"].choices = [("", "---------"), *ordered]
        if with_date:
            self.fields["formed_on"] = _formed_on_field()

    def clean_formed_on(self):
        value = self.cleaned_data["formed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(MSG_DATE_FUTURE)
        return value

    def spec(self) -> GroupSpec:
        data = self.cleaned_data
        return GroupSpec(
            households=list(data["households"]),
            number=data["number"],
            kind=data["kind"],
            leader=data["leader"],
            leader_name=data["leader_name"],
            leader_phone=data["leader_phone"],
        )


class ProposalForm(WorkbenchForm):
    """The reviewed proposal: for each household, the group it goes to (or none)."""

    kind = forms.ChoiceField(label=_("kind"), choices=GroupKind.choices)

    def __init__(self, *args, households, groups: int, initial_groups: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formed_on"] = _formed_on_field()
        self.households = households
        choices = [("", _("not in a group"))] + [
            (str(n), _("group %(n)s") % {"n": n}) for n in range(1, groups + 2)
        ]
        for household in households:
            self.fields[f"h{household.pk}"] = forms.ChoiceField(
                label=room_address(household),
                choices=choices,
                required=False,
                initial=initial_groups.get(household.pk, ""),
            )

    clean_formed_on = GroupForm.clean_formed_on

    def rows(self):
        """(household, its bound field), in neighbouring order, for the page."""
        return [(h, self[f"h{h.pk}"]) for h in self.households]

    def specs(self) -> list[GroupSpec]:
        chosen: dict[str, list] = {}
        for household in self.households:
            group = self.cleaned_data.get(f"h{household.pk}") or ""
            if group:
                chosen.setdefault(group, []).append(household)
        kind = self.cleaned_data["kind"]
        return [
            GroupSpec(households=members, kind=kind)
            for _key, members in sorted(chosen.items(), key=lambda item: int(item[0]))
        ]
