"""Forms of the register that check more than one row at a time."""

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from communities.models.companies import MSG_TERM_OVERLAP, terms_overlap


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
