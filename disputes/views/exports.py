"""The workbench export of dispute cases: the list's cases, with the list's filters, as .xlsx.

The list page links here with its own query string, read by the same form
(``disputes.forms.CaseFilterForm``): a value the list does not offer is ignored, and a compound
from another area is not offered, so it never reaches another area's cases.
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from communities.selectors import compounds_for_filter
from disputes.exporting import cases_export_response
from disputes.forms import CaseFilterForm
from disputes.selectors import cases_for_list


@require_GET
@login_required
@permission_required("disputes.export_disputecase", raise_exception=True)
def case_export(request):
    today = timezone.localdate()
    compounds = compounds_for_filter(user=request.user)
    filters = CaseFilterForm(request.GET, compounds=compounds).filters()
    cases = cases_for_list(user=request.user, filters=filters, today=today)
    return cases_export_response(cases=cases, user=request.user, today=today)


urlpatterns = [
    path("disputes/export/", case_export, name="case_export"),
]
