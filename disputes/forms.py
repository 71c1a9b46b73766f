"""Forms of the dispute pages: they check input; the services decide."""

from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.compound_choice import CompoundChoiceField, CompoundFilterField
from communities.forms import CHOOSE_LABEL, DeadlineField, FilterForm, WorkbenchForm
from communities.people import person_name
from communities.uploads import UploadField
from communities.validators import validate_id_number, validate_phone
from disputes.errors import MSG_AGREEMENT_FILE, MSG_NO_PARTY
from disputes.models import (
    Category,
    Level,
    PartyRole,
    ReferredTo,
    Satisfaction,
    Source,
    Status,
)
from disputes.selectors import STATUS_OPEN, CaseFilters
from disputes.services.deadlines import set_deadline_bounds, set_deadline_check

TEXT_MAX_LENGTH = 2000
SEARCH_MAX_LENGTH = 100
AGREEMENT_ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _reason(label=None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason"), max_length=TEXT_MAX_LENGTH, widget=_textarea(2)
    )


class UserChoiceField(forms.ChoiceField):
    """A choice among users already read (``users``); cleans to the user, no further query."""

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_users(users)

    def set_users(self, users) -> None:
        self.users = {str(u.pk): u for u in users}
        self.choices = [("", CHOOSE_LABEL)] + [(str(u.pk), person_name(u)) for u in users]

    def clean(self, value):
        value = super().clean(value)
        return self.users.get(value) if value else None


# The list's filters ---------------------------------------------------------------------------


def _all(choices) -> list:
    return [("", _("All")), *choices]


class CaseFilterForm(FilterForm):
    """The list's filters from the query string; a value that cannot be used is left out and
    reported (``refused``)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_all([(STATUS_OPEN, _("open (not closed)")), *Status.choices]),
    )
    level = forms.ChoiceField(label=_("Level"), required=False, choices=_all(Level.choices))
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=_all(Category.choices)
    )
    source = forms.ChoiceField(label=_("Source"), required=False, choices=_all(Source.choices))
    compound = CompoundFilterField()
    year = forms.IntegerField(
        label=_("Year registered"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Mine"), required=False)
    awaiting = forms.BooleanField(label=_("Waiting for us to accept"), required=False)

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Case number, description or compound")}
        )

    def filters(self) -> CaseFilters:
        self.is_valid()
        data = self.cleaned_data  # only the valid values: a bad one is simply left out
        return CaseFilters(
            status=data.get("status") or "",
            level=data.get("level") or "",
            category=data.get("category") or "",
            source=data.get("source") or "",
            compound_id=data.get("compound") or None,
            overdue=bool(data.get("overdue")),
            mine=bool(data.get("mine")),
            query=(data.get("q") or "").strip(),
            year=data.get("year") or None,
            awaiting=bool(data.get("awaiting")),
        )


# Registering a case ---------------------------------------------------------------------------


class CaseRegisterForm(WorkbenchForm):
    compound = CompoundChoiceField(label=_("Compound"), queryset=None)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    level = forms.ChoiceField(
        label=_("Level"),
        help_text=_("Where the dispute is mediated first (小纠纷不出村，大纠纷不出乡镇)."),
    )
    description = forms.CharField(
        label=pgettext_lazy("dispute", "Description"),
        max_length=TEXT_MAX_LENGTH,
        widget=_textarea(4),
        help_text=_("What the dispute is about, where, and since when."),
    )
    amount = forms.DecimalField(
        label=_("Amount at stake (yuan)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    against_company = forms.BooleanField(
        label=_("The respondent is the compound's property company"),
        required=False,
        help_text=_(
            "Always so for a property-service dispute. The community committee then handles "
            "the case, and the company steps aside (回避)."
        ),
    )

    def __init__(self, *args, compounds, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds
        self.fields["level"].choices = [(v, Level(v).label) for v in levels]


class PartyForm(WorkbenchForm):
    role = forms.ChoiceField(
        label=_("Role"), choices=PartyRole.choices, initial=PartyRole.APPLICANT
    )
    name = forms.CharField(label=pgettext_lazy("dispute party", "Name"), max_length=100)
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, validators=[validate_phone]
    )
    id_number = forms.CharField(
        label=_("ID number"), max_length=18, required=False, validators=[validate_id_number]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off"})


class BasePartyFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.parties():
            raise forms.ValidationError(MSG_NO_PARTY, code="no_party")

    def parties(self) -> list[dict]:
        """The rows that were filled in, as the service wants them."""
        return [
            {key: form.cleaned_data.get(key, "") for key in ("role", "name", "phone", "id_number")}
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]


PARTY_ROWS = 3
PartyFormSet = forms.formset_factory(
    PartyForm, formset=BasePartyFormSet, extra=PARTY_ROWS, max_num=20, validate_max=True
)


# Working on a case ----------------------------------------------------------------------------


class AcceptForm(WorkbenchForm):
    leader = UserChoiceField(label=_("Leader (包保领导)"))
    handler = UserChoiceField(label=_("Handler (专人)"))
    plan = forms.CharField(label=_("Plan (方案)"), max_length=TEXT_MAX_LENGTH, widget=_textarea(3))
    deadline = DeadlineField(
        label=_("Deadline (时限)"), check=set_deadline_check, bounds=set_deadline_bounds
    )

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].set_users(users)
        self.fields["handler"].set_users(users)


class ObjectsChoiceField(forms.MultipleChoiceField):
    """Ticks among objects already read (checkboxes, easy on a phone); cleans to the objects,
    no further query. ``label_of`` says how each object reads."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, objects=(), label_of=str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.set_objects(objects, label_of)

    def set_objects(self, objects, label_of=str) -> None:
        self.objects = {str(obj.pk): obj for obj in objects}
        self.choices = [(key, label_of(obj)) for key, obj in self.objects.items()]

    def clean(self, value):
        return [self.objects[key] for key in super().clean(value)]


def party_label(party) -> str:
    """A party as the reader may see it (give a masked party to a reader who may not)."""
    return f"{party.name}（{party.get_role_display()}）"


class SessionForm(WorkbenchForm):
    """Who came: the case's parties and the people working on it, ticked (parties masked as
    everywhere else), and anyone else by role or office as free text."""

    held_on = forms.DateField(label=_("Date"), widget=_date_input())
    mediators = forms.CharField(label=_("Mediators"), max_length=200)
    parties_present = ObjectsChoiceField(label=_("Parties present"))
    staff_present = ObjectsChoiceField(label=_("Case workers present"))
    other_attendees = forms.CharField(
        label=_("Others present"),
        max_length=300,
        required=False,
        help_text=_("By role or office, e.g. 楼长、社区民警 (tick the parties above)."),
    )
    agreed = forms.CharField(
        label=_("What was agreed"), max_length=TEXT_MAX_LENGTH, widget=_textarea(3)
    )

    def __init__(self, *args, users=(), parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_people(users=users, parties=parties)

    def set_people(self, *, users, parties) -> None:
        """The choices: the case's parties (as this reader may see them) and its workers."""
        self.fields["parties_present"].set_objects(parties, party_label)
        self.fields["staff_present"].set_objects(users, person_name)


class ResolveForm(WorkbenchForm):
    outcome = forms.CharField(label=_("Outcome"), max_length=TEXT_MAX_LENGTH, widget=_textarea(3))
    agreement_reached = forms.BooleanField(
        label=_("A mediation agreement was reached"), required=False
    )
    agreement_file = UploadField(
        label=_("Mediation agreement (PDF or photo)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": AGREEMENT_ACCEPT}),
    )
    agreement_file.required_when = _("required when an agreement was reached")

    def clean(self):
        data = super().clean()
        missing = data.get("agreement_reached") and not data.get("agreement_file")
        if missing and "agreement_file" not in self.errors:
            self.add_error("agreement_file", MSG_AGREEMENT_FILE)
        return data


class CloseUnresolvedForm(WorkbenchForm):
    referred_to = forms.ChoiceField(label=_("Referred to"), choices=ReferredTo.choices)
    where = forms.CharField(label=_("Where"), max_length=200)
    note = forms.CharField(
        label=_("Note"), max_length=TEXT_MAX_LENGTH, required=False, widget=_textarea(2)
    )


class WithdrawForm(WorkbenchForm):
    reason = _reason(_("Why the parties withdraw"))


class EscalateForm(WorkbenchForm):
    reason = _reason(_("Why it goes up a level"))


class ReassignForm(WorkbenchForm):
    leader = UserChoiceField(label=_("Leader (包保领导)"))
    handler = UserChoiceField(label=_("Handler (专人)"))
    reason = _reason()

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].set_users(users)
        self.fields["handler"].set_users(users)


class DeadlineForm(WorkbenchForm):
    deadline = DeadlineField(
        label=pgettext_lazy("dispute", "New deadline"),
        check=set_deadline_check,
        bounds=set_deadline_bounds,
    )
    reason = _reason()


class ReturnVisitForm(WorkbenchForm):
    visited_on = forms.DateField(label=_("Visited on"), widget=_date_input())
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Satisfaction.choices)
    note = forms.CharField(
        label=_("Note"), max_length=TEXT_MAX_LENGTH, required=False, widget=_textarea(2)
    )
