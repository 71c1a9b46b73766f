"""Forms of the activity pages: they check input; the services decide."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.community_choice import community_choice_field
from communities.compound_choice import CompoundChoiceField, CompoundFilterField
from communities.forms import COMMUNITY_NEEDS_STREET, FilterForm, WorkbenchForm
from communities.models import ActivityKind
from communities.models.activities import EARLIEST_DATE, MSG_ONE_PLACE, PARTICIPANTS_MAX
from communities.street_choice import street_filter_field
from communities.uploads import check_upload

from .selectors import ActivityFilters

MONTH_FORMAT = "%Y-%m"
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
MSG_MONTH_RANGE = _("Choose a month from %(first)s to %(last)s.")
MSG_TOO_MANY_FILES = _("Choose at most %(max)s photos.")


def _all(choices) -> list:
    return [("", _("All")), *choices]


class ActivityMonthField(forms.DateField):
    """A month as ``YYYY-MM`` (``<input type="month">``), cleaned to its first day, from
    2000-01 to this month (activities are recorded after they took place)."""

    input_formats = [MONTH_FORMAT]
    widget = forms.DateInput(attrs={"type": "month"}, format=MONTH_FORMAT)

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if isinstance(day, datetime.date) else day

    def validate(self, value):
        super().validate(value)
        last = timezone.localdate().replace(day=1)
        if value and not EARLIEST_DATE <= value <= last:
            raise forms.ValidationError(
                MSG_MONTH_RANGE,
                code="month_range",
                params={
                    "first": EARLIEST_DATE.strftime(MONTH_FORMAT),
                    "last": last.strftime(MONTH_FORMAT),
                },
            )


class ActivityFilterForm(FilterForm):
    """The list's filters from the query string; a value that cannot be used (a street outside
    the user's scope, ``month=abc``) is left out and reported."""

    month = ActivityMonthField(label=_("Month"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_all(ActivityKind.choices))
    street = forms.TypedChoiceField(label=_("Street"), required=False)  # street_filter_field
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int)
    compound = CompoundFilterField()

    def __init__(self, *args, streets, communities, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"] = street_filter_field(streets)
        self.fields["community"].choices = _all((c.pk, c.name) for c in communities)
        if getattr(communities, "need_street", False):
            self.fields["community"].help_text = COMMUNITY_NEEDS_STREET
        self.fields["compound"].queryset = compounds

    def filters(self) -> ActivityFilters:
        self.is_valid()
        data = self.cleaned_data  # only the valid values: a bad one is simply left out
        return ActivityFilters(
            street_id=data.get("street") or None,
            community_id=data.get("community") or None,
            compound_id=data.get("compound") or None,
            kind=data.get("kind") or "",
            month=data.get("month") or None,
        )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once, each checked by its content (``check_upload``), images only."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": PHOTO_ACCEPT})

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if len(files) > settings.ACTIVITY_PHOTOS_MAX:
            raise forms.ValidationError(
                MSG_TOO_MANY_FILES, params={"max": settings.ACTIVITY_PHOTOS_MAX}
            )
        cleaned = []
        for upload in files:
            upload = super().clean(upload, initial)
            if upload:
                content_type = check_upload(upload)
                if not content_type.startswith("image/"):
                    raise forms.ValidationError(
                        _("Only photos (JPEG, PNG, WebP) can be added to an activity.")
                    )
                cleaned.append(upload)
        return cleaned


class ActivityForm(WorkbenchForm):
    """An activity's fields; the place is a compound or (for those who record for a whole
    community) a community — exactly one."""

    compound = CompoundChoiceField(label=_("Compound"), required=False)
    community = forms.Field(required=False)  # community_choice_field, or none
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    title = forms.CharField(label=_("Title"), max_length=100)
    participants = forms.IntegerField(
        label=_("Participants"),
        min_value=0,
        max_value=PARTICIPANTS_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    organiser = forms.CharField(
        label=_("Organiser"),
        max_length=100,
        help_text=_("The organising unit, e.g. 稻香社区居委会 or 城关派出所."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args, compounds, communities, with_photos=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds
        community = community_choice_field(
            communities,
            label=_("or the whole community"),
            required=False,
            help_text=_("For an activity of the whole community; leave the compound empty then."),
        )
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        if community is not None:
            self.fields["community"] = community
            self.fields["compound"].required_when = _("or a community")
        else:  # a company records its compounds' activities only: the compound is required
            del self.fields["community"]
            self.fields["compound"].required = True
        if with_photos:
            self.fields["photos"].help_text = _("Up to %(max)s photos (JPEG, PNG or WebP).") % {
                "max": settings.ACTIVITY_PHOTOS_MAX
            }
        else:
            del self.fields["photos"]

    def clean(self):
        data = super().clean()
        if "compound" in self.errors or "community" in self.errors:
            return data
        if bool(data.get("compound")) == bool(data.get("community")):
            raise forms.ValidationError(MSG_ONE_PLACE)
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "compound": data.get("compound"),
            "community": data.get("community"),
            "kind": data["kind"],
            "date": data["date"],
            "title": data["title"],
            "participants": data["participants"],
            "organiser": data["organiser"],
            "note": data.get("note", ""),
            "photos": data.get("photos") or [],
        }


class PhotoForm(WorkbenchForm):
    photos = PhotosField(label=_("Photos"), required=True)
