"""Forms of the check pages: they read and check input; the services decide what is allowed."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.compound_choice import CompoundChoiceField
from communities.forms import WorkbenchForm
from communities.uploads import UploadField
from inspections.errors import WorkflowError
from inspections.models import ANSWER_COUNT_MAX as COUNT_MAX
from inspections.models import Answer, AnswerType
from inspections.services.checks import answer_count_check

TEXT_MAX_LENGTH = 2000
EVIDENCE_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"
MONTH_FORMAT = "%Y-%m"

YES, NO, NOT_APPLICABLE = "yes", "no", "na"
YES_NO_CHOICES = [(YES, _("Yes")), (NO, _("No")), (NOT_APPLICABLE, _("Not applicable"))]


def _textarea(rows: int = 2, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


# The months a check can be about: from the campaign's first years to a year ahead. A month
# outside (0001-01, 9999-12) is refused, never handed to date arithmetic or stored.
FIRST_MONTH = datetime.date(2000, 1, 1)
MONTHS_AHEAD = 12
MSG_MONTH_RANGE = _("Choose a month from %(first)s to %(last)s.")


def last_month_allowed(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    months = today.year * 12 + today.month - 1 + MONTHS_AHEAD
    return datetime.date(months // 12, months % 12 + 1, 1)


class MonthField(forms.DateField):
    """A month as ``YYYY-MM`` (``<input type="month">``), cleaned to its first day, between
    ``FIRST_MONTH`` and a year from now."""

    input_formats = [MONTH_FORMAT, "%Y-%m-%d"]
    widget = forms.DateInput(attrs={"type": "month"}, format=MONTH_FORMAT)

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if isinstance(day, datetime.date) else day

    def validate(self, value):
        super().validate(value)
        last = last_month_allowed()
        if value and not FIRST_MONTH <= value <= last:
            raise forms.ValidationError(
                MSG_MONTH_RANGE,
                code="month_range",
                params={
                    "first": FIRST_MONTH.strftime(MONTH_FORMAT),
                    "last": last.strftime(MONTH_FORMAT),
                },
            )


# Answering -----------------------------------------------------------------------------------


class CountField(forms.DecimalField):
    """A number item's answer: a count (the service's rule, checked here too so its message
    sits on the field; -1 for LH-3d was accepted)."""

    def validate(self, value):
        super().validate(value)
        if value is not None:
            try:
                answer_count_check(value)
            except WorkflowError as refused:
                raise forms.ValidationError(refused.message, code="count_range") from None


class AnswerForm(WorkbenchForm):
    """One item's answer. Its fields follow the item's answer type; ``prefix`` keeps the
    forms of one page apart (``a<answer id>``)."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=_textarea(2),
    )

    def __init__(self, *args, answer: Answer, **kwargs):
        kwargs.setdefault("prefix", f"a{answer.pk}")
        kwargs.setdefault("initial", self.initial_for(answer))
        super().__init__(*args, **kwargs)
        self.answer = answer
        item = answer.item
        kind = item.answer_type
        if kind == AnswerType.YES_NO:
            self.fields["choice"] = forms.ChoiceField(
                label=_("Answer"),
                choices=YES_NO_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
        else:
            if kind == AnswerType.SCORE:
                self.fields["value"] = forms.DecimalField(
                    label=_("Score (0 to %(points)s)") % {"points": _plain(item.points)},
                    required=False,
                    min_value=Decimal("0"),
                    max_value=item.points,
                    decimal_places=1,
                    max_digits=5,
                    widget=forms.NumberInput(
                        attrs={"step": "0.5", "inputmode": "decimal", "min": 0}
                    ),
                )
            elif kind == AnswerType.NUMBER:
                self.fields["value"] = CountField(
                    label=_("Number"),
                    required=False,
                    widget=forms.NumberInput(
                        attrs={"step": "1", "inputmode": "numeric", "min": 0, "max": COUNT_MAX}
                    ),
                )
            else:
                self.fields["value"] = forms.CharField(
                    label=_("Answer"),
                    required=False,
                    max_length=TEXT_MAX_LENGTH,
                    widget=_textarea(3),
                )
            self.fields["not_applicable"] = forms.BooleanField(
                label=_("Not applicable"), required=False
            )
        self.order_fields(["choice", "value", "not_applicable", "comment"])

    @staticmethod
    def initial_for(answer: Answer) -> dict:
        kind = answer.item.answer_type
        initial = {"comment": answer.comment, "not_applicable": answer.not_applicable}
        if kind == AnswerType.YES_NO:
            if answer.not_applicable:
                initial["choice"] = NOT_APPLICABLE
            elif answer.value_bool is not None:
                initial["choice"] = YES if answer.value_bool else NO
        elif kind == AnswerType.SCORE:
            initial["value"] = _plain(answer.value_score)
        elif kind == AnswerType.NUMBER:
            initial["value"] = _plain(answer.value_number)
        else:
            initial["value"] = answer.value_text
        return initial

    def service_kwargs(self) -> dict:
        """The cleaned answer as ``services.answer_save`` takes it."""
        data = self.cleaned_data
        kind = self.answer.item.answer_type
        kwargs = {"comment": data.get("comment", "").strip()}
        if kind == AnswerType.YES_NO:
            choice = data.get("choice") or ""
            kwargs["not_applicable"] = choice == NOT_APPLICABLE
            kwargs["value_bool"] = {YES: True, NO: False}.get(choice)
            return kwargs
        kwargs["not_applicable"] = bool(data.get("not_applicable"))
        value = data.get("value")
        if kind == AnswerType.SCORE:
            kwargs["value_score"] = value
        elif kind == AnswerType.NUMBER:
            kwargs["value_number"] = value
        else:
            kwargs["value_text"] = (value or "").strip()
        return kwargs


def _plain(number: Decimal | None) -> str | None:
    """``10.0`` → ``10``; ``7.5`` stays (never ``1E+1``)."""
    return None if number is None else f"{number.normalize():f}"


class EvidenceForm(WorkbenchForm):
    """A photo (JPEG, PNG, WebP) or a PDF, checked by its content and size."""

    file = UploadField(
        label=_("Add a photo or PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )

    def __init__(self, *args, answer: Answer, **kwargs):
        kwargs.setdefault("prefix", f"e{answer.pk}")
        super().__init__(*args, **kwargs)
        self.answer = answer


# Review --------------------------------------------------------------------------------------


class ApproveForm(WorkbenchForm):
    prefix = "approve"
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=_textarea(2),
    )


class ReturnForm(WorkbenchForm):
    """A comment for the check and one per item; the service needs at least one item's."""

    prefix = "return"
    comment = forms.CharField(
        label=_("Comment for the whole check (optional)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=_textarea(2),
    )

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = list(answers)
        for answer in self.answers:
            self.fields[self.field_name(answer)] = forms.CharField(
                label=_("What must change in %(code)s") % {"code": answer.item.code},
                required=False,
                max_length=TEXT_MAX_LENGTH,
                widget=_textarea(2, form="return-form"),
            )

    @staticmethod
    def field_name(answer: Answer) -> str:
        return f"item_{answer.pk}"

    def item_comments(self) -> dict[int, str]:
        return {a.pk: self.cleaned_data.get(self.field_name(a), "") for a in self.answers}

    def bound_item_field(self, answer: Answer):
        return self[self.field_name(answer)]


class ReopenForm(WorkbenchForm):
    prefix = "reopen"
    reason = forms.CharField(
        label=_("Reason for reopening"),
        required=False,  # the service says when it is missing, in its own words
        max_length=TEXT_MAX_LENGTH,
        widget=_textarea(2),
    )


# Lists: filter, open by hand -----------------------------------------------------------------


class CheckFilterForm(WorkbenchForm):
    month = MonthField(label=_("Month"), required=False)
    compound = CompoundChoiceField(label=_("Compound"), required=False, empty_label=_("All"))

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds


class OpenCheckForm(WorkbenchForm):
    """A compound in scope and a month: for opening a self-check or a supervision by hand."""

    compound = CompoundChoiceField(label=_("Compound"))
    month = MonthField(label=_("Month"))

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds
