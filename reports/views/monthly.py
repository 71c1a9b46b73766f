"""The monthly reports on the workbench: the list of the user's reports with the request form,
a report's figures on screen with its files, and the actions (request, retry or regenerate,
publish). A report outside the user's scope, another street's, is a 404 like an unknown id."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from communities.models import District
from communities.months import previous_month
from communities.scoping import get_visible_or_404
from communities.street_choice import street_filter_field
from communities.uploads import private_file_response
from communities.validators import ascii_int
from communities.workflow import WorkflowError

from ..models import MonthlyReport
from ..presenting import report_context
from ..services import (
    download_name,
    may_request_any,
    report_publish,
    report_regenerate,
    report_request,
    requestable_districts,
    requestable_streets,
)

VIEW = "reports.view_monthlyreport"
PAGE_SIZE = 30
FILES = {
    "xlsx": ("workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (
        "circular",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}


class DistrictField(forms.ModelChoiceField):
    """A district among the form's, by its id in ASCII digits (``int()`` would take ``１``)."""

    def to_python(self, value):
        if value not in self.empty_values and ascii_int(str(value)) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class RequestForm(forms.Form):
    """Which report: a street's, or (left empty, for those who may) the district's own; and the
    month. The district is chosen only by a user of several districts, for a district's own
    report (a street's report is of the street's district); the street is a select or, past
    ``STREET_CHOICES_MAX``, a typeahead (``street_filter_field``), never a list of a province's
    streets."""

    district = DistrictField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        help_text=_("For the district's own report: a street's report is of its district."),
    )
    street = forms.TypedChoiceField(label=_("Street"), required=False)  # street_filter_field
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.streets = requestable_streets(user)
        districts = list(requestable_districts(user).order_by("code"))
        self.only_district = districts[0] if len(districts) == 1 else None
        if len(districts) > 1:
            self.fields["district"].queryset = requestable_districts(user).order_by("code")
        else:
            del self.fields["district"]
        field = street_filter_field(
            self.streets,
            empty_label=_("The whole district") if districts else None,
            required=not districts,
        )
        if districts:
            field.help_text = _("Leave empty for the district's own report.")
        self.fields["street"] = field
        self.initial.setdefault("month", previous_month(timezone.localdate()))
        self.chosen_place = None

    def clean(self):
        data = super().clean()
        street_id = data.get("street")
        district = data.get("district") or self.only_district
        if street_id:
            street = self.streets.select_related("district").get(pk=street_id)
            self.chosen_place = (street.district, street)
        elif district is not None:
            self.chosen_place = (district, None)
        elif "district" in self.fields and not self.errors:
            self.add_error("district", _("Choose a district for its own report, or a street."))
        return data

    def place(self):
        return self.chosen_place


def _visible(request):
    return MonthlyReport.objects.visible_to(request.user).select_related("district", "street")


@require_GET
@login_required
@permission_required(VIEW, raise_exception=True)
def report_list(request):
    reports = _visible(request).order_by("-month", "street__code", "-version")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": RequestForm(user=request.user) if may_request_any(request.user) else None,
    }
    return render(request, "reports/report_list.html", context)


@require_POST
@login_required
def report_request_view(request):
    if not may_request_any(request.user):
        raise PermissionDenied
    form = RequestForm(request.POST, user=request.user)
    if form.is_valid():
        district, street = form.place()
        try:
            report = report_request(
                user=request.user,
                district=district,
                street=street,
                month=form.cleaned_data["month"],
            )
        except WorkflowError as exc:  # the service's rule (a month not over), on the form
            form.add_error("month", exc.message)
        else:
            return redirect("reports:report_detail", pk=report.pk)
    reports = _visible(request).order_by("-month", "street__code", "-version")
    page = Paginator(reports, PAGE_SIZE).get_page(1)
    return render(request, "reports/report_list.html", {"page": page, "form": form}, status=400)


@require_GET
@login_required
@permission_required(VIEW, raise_exception=True)
def report_detail(request, pk: int):
    report = get_visible_or_404(request, _visible(request), pk=pk)
    if request.htmx and not report.in_progress:  # built (or failed): the whole page, at once
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    context = report_context(request.user, report)
    if request.htmx:
        return render(request, "reports/partials/report_status.html", context)
    return render(request, "reports/report_detail.html", context)


@require_GET
@login_required
@permission_required(VIEW, raise_exception=True)
def report_download(request, pk: int, kind: str):
    report = get_visible_or_404(request, _visible(request), pk=pk)
    if kind not in FILES or not report.has_files:
        raise Http404
    field, content_type = FILES[kind]
    return private_file_response(
        getattr(report, field), written_as=(content_type, download_name(report, kind))
    )


@require_POST
@login_required
def report_regenerate_view(request, pk: int):
    """Retry a failed report, rebuild a ready one, or make a new version of a published one."""
    report = get_visible_or_404(request, _visible(request), pk=pk)
    latest = report_regenerate(user=request.user, report=report)
    return redirect("reports:report_detail", pk=latest.pk)


@require_POST
@login_required
def report_publish_view(request, pk: int):
    report = get_visible_or_404(request, _visible(request), pk=pk)
    if not request.user.has_perm("reports.publish_monthlyreport"):
        raise PermissionDenied
    try:
        report_publish(user=request.user, report=report)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The report is published: its figures and files are frozen."))
    return redirect("reports:report_detail", pk=report.pk)


urlpatterns = [
    path("reports/", report_list, name="report_list"),
    path("reports/request/", report_request_view, name="report_request"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/file/<str:kind>/", report_download, name="report_download"),
    path("reports/<int:pk>/regenerate/", report_regenerate_view, name="report_regenerate"),
    path("reports/<int:pk>/publish/", report_publish_view, name="report_publish"),
]
