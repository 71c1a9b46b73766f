"""Forms of the patrol team and patrol log pages: they check input; the services decide.

The "log a patrol" form is built for a phone: the team's compounds come ticked, its active
members too, the times are filled with the last hour, so a patrol is logged with one tap and
perhaps a line of what was found.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.compound_choice import (
    CompoundFilterField,
    CompoundMultipleChoiceField,
    select_or_typeahead,
)
from communities.forms import COMMUNITY_NEEDS_STREET, FilterForm, WorkbenchForm
from communities.street_choice import street_filter_field
from communities.validators import validate_phone
from inspections.models import HazardCategory, Severity
from patrols import organisation_choice
from patrols.models import MemberCategory, TeamKind
from patrols.models.patrols import Weekday
from patrols.organisation_choice import OrganisationChoiceField
from patrols.team_selectors import PatrolFilters

TEXT_MAX_LENGTH = 2000


def _all(choices) -> list:
    return [("", _("All")), *choices]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _datetime_field(label, required=True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class CompoundsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return obj.name


class MembersField(forms.ModelMultipleChoiceField):
    """The team's members as check boxes; the label is the name as this reader may see it
    (``shown``: masked unless the reader sees the team's people in full)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, shown: bool = True, **kwargs):
        self.shown = shown
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        from communities.privacy import personal_value

        return personal_value(obj, "name", shown=self.shown)


# Teams -------------------------------------------------------------------------------------------


class TeamForm(WorkbenchForm):
    organisation = forms.Field()  # select_or_typeahead (a new team only)
    kind = forms.ChoiceField(label=_("kind"), choices=TeamKind.choices)
    name = forms.CharField(label=_("name"), max_length=80)
    leader_name = forms.CharField(label=_("team leader"), max_length=40, required=False)
    leader_phone = forms.CharField(
        label=_("phone"), max_length=20, required=False, validators=[validate_phone]
    )
    compounds = CompoundMultipleChoiceField(label=_("compounds covered"))
    active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, organisations, compounds, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compounds"].queryset = compounds
        if editing:
            del self.fields["organisation"]
        else:
            del self.fields["active"]
            field, seen = select_or_typeahead(
                OrganisationChoiceField,
                organisations,
                limit=organisation_choice.ORGANISATION_CHOICES_MAX,
                label=_("run by"),
            )
            if seen == 1:
                field.initial = organisations.values_list("pk", flat=True).first()
            self.fields["organisation"] = field


class MemberForm(WorkbenchForm):
    name = forms.CharField(label=_("name"), max_length=40)
    phone = forms.CharField(
        label=_("phone"), max_length=20, required=False, validators=[validate_phone]
    )
    category = forms.ChoiceField(label=_("category"), choices=MemberCategory.choices)
    joined_on = forms.DateField(
        label=_("joined on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Today if left empty."),
    )


class PlanWindowForm(WorkbenchForm):
    weekday = forms.TypedChoiceField(
        label=_("day"), choices=[("", ""), *Weekday.choices], coerce=int, required=False
    )
    starts = forms.TimeField(
        label=_("window starts"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends = forms.TimeField(
        label=_("window ends"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean(self):
        data = super().clean()
        filled = [data.get(k) not in (None, "") for k in ("weekday", "starts", "ends")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(_("Give the day, the start and the end of the window."))
        return data

    def window(self):
        data = self.cleaned_data
        if data.get("weekday") in (None, "") or not data.get("starts"):
            return None
        return (data["weekday"], data["starts"], data["ends"])


PlanFormSet = forms.formset_factory(PlanWindowForm, extra=3, max_num=42, validate_max=True)


# Patrols -----------------------------------------------------------------------------------------


class FindingFields(forms.Form):
    """What a patrol found (optional on the log form), and whether it raises a hazard."""

    finding = forms.CharField(
        label=_("what was found"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    finding_compound = forms.ModelChoiceField(
        label=_("in which compound"), queryset=None, required=False, empty_label=None
    )
    raise_hazard = forms.BooleanField(label=_("raise a hazard (隐患)"), required=False)
    category = forms.ChoiceField(
        label=_("hazard category"),
        choices=HazardCategory.choices,
        initial=HazardCategory.PUBLIC_ORDER,
        required=False,
    )
    severity = forms.ChoiceField(
        label=_("severity"), choices=Severity.choices, initial=Severity.MEDIUM, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("raise_hazard") and not (data.get("finding") or "").strip():
            self.add_error("finding", _("Say what was found."))
        return data


class PatrolLogForm(FindingFields, WorkbenchForm):
    started_at = _datetime_field(_("started at"))
    ended_at = _datetime_field(_("ended at"))
    compounds = CompoundsField(label=_("compounds patrolled"), queryset=None)
    members = MembersField(label=_("members present"), queryset=None, required=False)
    area = forms.CharField(label=_("area covered"), max_length=200, required=False)
    route = forms.CharField(
        label=_("route or note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = ["started_at", "ended_at", "compounds", "members", "area", "route"]

    def __init__(self, *args, team, members, shown: bool, **kwargs):
        now = timezone.localtime().replace(second=0, microsecond=0)
        compounds = team.compounds.order_by("name")
        kwargs.setdefault(
            "initial",
            {
                "started_at": now - datetime.timedelta(hours=1),
                "ended_at": now,
                "compounds": list(compounds),
                "members": list(members),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["compounds"].queryset = compounds
        self.fields["finding_compound"].queryset = compounds
        self.fields["members"] = MembersField(
            label=_("members present"), queryset=members, required=False, shown=shown
        )


class PatrolStartForm(WorkbenchForm):
    compounds = CompoundsField(label=_("compounds patrolled"), queryset=None)
    area = forms.CharField(label=_("area covered"), max_length=200, required=False)

    def __init__(self, *args, team, members, shown: bool, **kwargs):
        compounds = team.compounds.order_by("name")
        kwargs.setdefault("initial", {"compounds": list(compounds), "members": list(members)})
        super().__init__(*args, **kwargs)
        self.fields["compounds"].queryset = compounds
        self.fields["members"] = MembersField(
            label=_("members present"), queryset=members, required=False, shown=shown
        )


class PatrolEndForm(WorkbenchForm):
    ended_at = forms.DateTimeField(
        label=_("ended at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "Leave blank to end the patrol now. A patrol left open by mistake is ended at the "
            "time it really ended."
        ),
    )
    route = forms.CharField(
        label=_("route or note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FindingForm(FindingFields, WorkbenchForm):
    def __init__(self, *args, log, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].required = True
        self.fields["finding_compound"].queryset = log.compounds.order_by("name")


# Filters -----------------------------------------------------------------------------------------


class PatrolFilterForm(FilterForm):
    street = forms.TypedChoiceField(label=_("Street"), required=False)  # street_filter_field
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int)
    compound = CompoundFilterField()
    kind = forms.ChoiceField(label=_("Team kind"), required=False, choices=_all(TeamKind.choices))
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    open = forms.BooleanField(label=_("Under way only"), required=False)

    def __init__(self, *args, places, with_month: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        streets, communities, compounds = places
        self.fields["street"] = street_filter_field(streets)
        self.fields["community"].choices = _all((c.pk, c.name) for c in communities)
        if getattr(communities, "need_street", False):
            self.fields["community"].help_text = COMMUNITY_NEEDS_STREET
        self.fields["compound"].queryset = compounds
        if not with_month:
            del self.fields["month"]
            del self.fields["open"]

    def filters(self) -> PatrolFilters:
        self.is_valid()
        data = self.cleaned_data
        month = data.get("month")
        return PatrolFilters(
            street_id=data.get("street") or None,
            community_id=data.get("community") or None,
            compound_id=data.get("compound") or None,
            kind=data.get("kind") or "",
            month=month.replace(day=1) if month else None,
            open_only=bool(data.get("open")),
        )


TEAM_NEEDS_PLACE = _(
    "Choose a street, community or compound first: its teams are then offered here."
)


class MissedFilterForm(FilterForm):
    """The period, the team and "missed only"; the page's place filters are a
    ``PatrolFilterForm`` beside it, which narrow the teams offered (``teams``, a
    ``TeamChoices``)."""

    days = forms.TypedChoiceField(
        label=_("Period"),
        required=False,
        coerce=int,
        choices=[(7, _("last 7 days")), (30, _("last 30 days"))],
    )
    team = forms.TypedChoiceField(label=_("patrol team"), required=False, coerce=int)
    missed = forms.BooleanField(label=_("Missed only"), required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = _all((t.pk, t.name) for t in teams)
        if getattr(teams, "need_place", False):
            self.fields["team"].help_text = TEAM_NEEDS_PLACE
