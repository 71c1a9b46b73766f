"""The summaries page's form: a kind and a month, or a range of months (last month by
default), read as the exporter's params."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.months import previous_month
from inspections.forms.checks import MonthField
from reports.exporting.base import MAX_MONTHS, MONTH_PARAM_FORMAT
from reports.exporting.kinds import exporter_key, kind_choices

MSG_MONTHS_ORDER = _("The last month must not be before the first.")
MSG_MONTHS_SPAN = _("A summary covers at most %(months)s months.")


def months_between(first: datetime.date, last: datetime.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


class SummaryForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("summary form", "Summary"), choices=kind_choices)
    first = MonthField(label=_("From month"))
    last = MonthField(label=_("To month"), required=False, help_text=_("Empty: one month."))

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first"].initial = previous_month(today)

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", forms.ValidationError(MSG_MONTHS_ORDER, code="order"))
            elif months_between(first, last) > MAX_MONTHS:
                self.add_error(
                    "last",
                    forms.ValidationError(
                        MSG_MONTHS_SPAN, code="span", params={"months": MAX_MONTHS}
                    ),
                )
        return data

    def exporter_key(self) -> str:
        return exporter_key(self.cleaned_data["kind"])

    def params(self) -> dict:
        """The exporter's params (text, stored with a job)."""
        first = self.cleaned_data["first"]
        last = self.cleaned_data.get("last") or first
        return {
            "first": first.strftime(MONTH_PARAM_FORMAT),
            "last": last.strftime(MONTH_PARAM_FORMAT),
        }
