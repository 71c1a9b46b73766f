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

from communities.months import previous_month
from communities.scoping import get_visible_or_404
from communities.uploads import private_file_response
from communities.workflow import WorkflowError

from ..models import MonthlyReport
from ..presenting import report_context
from ..services import (
    download_name,
    report_publish,
    report_regenerate,
    report_request,
    requestable_scopes,
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


def _scope_key(district, street) -> str:
    return f"s{street.pk}" if street else f"d{district.pk}"


class RequestForm(forms.Form):
    scope = forms.ChoiceField(label=_("Report of"))
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = {_scope_key(d, s): (d, s) for d, s in scopes}
        self.fields["scope"].choices = [
            (key, s.name if s else d.name) for key, (d, s) in self.scopes.items()
        ]
        self.initial.setdefault("month", previous_month(timezone.localdate()))

    def place(self):
        return self.scopes[self.cleaned_data["scope"]]


def _visible(request):
    return MonthlyReport.objects.visible_to(request.user).select_related("district", "street")


@require_GET
@login_required
@permission_required(VIEW, raise_exception=True)
def report_list(request):
    reports = _visible(request).order_by("-month", "street__code", "-version")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    scopes = requestable_scopes(request.user)
    context = {
        "page": page,
        "form": RequestForm(scopes=scopes) if scopes else None,
    }
    return render(request, "reports/report_list.html", context)


@require_POST
@login_required
def report_request_view(request):
    scopes = requestable_scopes(request.user)
    if not scopes:
        raise PermissionDenied
    form = RequestForm(request.POST, scopes=scopes)
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
