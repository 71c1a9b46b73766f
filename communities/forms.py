"""Forms shared by the apps: the register's formsets that check more than one row at a time,
and the base of every workbench form."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from communities.models.companies import MSG_TERM_OVERLAP, terms_overlap
from communities.workflow import WorkflowError


class ManagementTermFormSet(BaseInlineFormSet):
    """A compound's terms edited together: the rows must not overlap each other either
    (each row's own ``clean`` only sees rows already saved)."""

    def clean(self):
        super().clean()
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("start")
        ]
        for i, row in enumerate(rows):
            for other in rows[i + 1 :]:
                if terms_overlap(row["start"], row.get("end"), other["start"], other.get("end")):
                    raise ValidationError(MSG_TERM_OVERLAP)


# The workbench's forms ------------------------------------------------------------------------

# Django's own empty choice of a select; never shown on the workbench.
DJANGO_BLANK_LABEL = "---------"
CHOOSE_LABEL = _("Please choose")
#: Under a community filter whose choices wait for a street (``communities_for_filter``).
COMMUNITY_NEEDS_STREET = _("Choose a street first: its communities are then offered here.")


class WorkbenchForm(forms.Form):
    """The base of every workbench form (not the admin's): a select's empty choice says
    "Please choose" (请选择), never Django's "---------".

    A choice field whose empty choice was labelled on purpose (a filter's "All") keeps it.
    A field required only in some cases says when with a ``required_when`` attribute, which
    ``templates/partials/field.html`` shows beside the label.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label == DJANGO_BLANK_LABEL:
                    field.empty_label = CHOOSE_LABEL
            elif isinstance(field, forms.ChoiceField):
                choices = list(field.choices)
                if choices and choices[0] == ("", DJANGO_BLANK_LABEL):
                    field.choices = [("", CHOOSE_LABEL), *choices[1:]]


class DeadlineInput(forms.DateInput):
    """A date picker offering only the days ``bounds()`` allows (read when the page is drawn,
    so a long-running server does not offer yesterday)."""

    input_type = "date"

    def __init__(self, bounds, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
        self.bounds = bounds

    def get_context(self, name, value, attrs):
        first, last = self.bounds()
        attrs = {**(attrs or {}), "min": first.isoformat(), "max": last.isoformat()}
        return super().get_context(name, value, attrs)


class DeadlineField(forms.DateField):
    """A deadline a user types. ``check`` is the service's rule (it raises ``WorkflowError``),
    run here too so its message sits on the field; ``bounds`` returns the first and last day
    allowed today, for the date picker."""

    def __init__(self, *, check, bounds, **kwargs):
        kwargs.setdefault("widget", DeadlineInput(bounds))
        super().__init__(**kwargs)
        self.check = check

    def validate(self, value):
        super().validate(value)
        if value:
            try:
                self.check(value)
            except WorkflowError as refused:
                raise forms.ValidationError(refused.message, code="deadline") from None


class FilterForm(WorkbenchForm):
    """The filters of a workbench list, read from the query string.

    A value that cannot be used (``year=abc``, a status that does not exist, a compound outside
    the user's scope) is left out of the filter, and ``refused`` says which and why so the page
    shows it: the list still shows, unfiltered by that field.
    """

    def refused(self) -> list[tuple[str, str]]:
        """(field label, error message) for every value that was left out."""
        self.is_valid()
        return [
            (str(self.fields[name].label) if name in self.fields else "", str(message))
            for name, messages in self.errors.items()
            for message in messages
        ]
