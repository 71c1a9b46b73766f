"""The workbench export of dispute cases: the list's cases, with the list's filters, as .xlsx.

The list page's export button posts here with the list's own query string (a POST: starting an
export writes a job and costs a worker, so no other site can start one through a link or an
image); ``disputes.exporting.CasesExporter`` reads
it with the list's own form (a value the list does not offer is ignored, a compound from
another area is not offered), so it never reaches another area's cases. Small exports answer
at once, big ones become a job (``communities.exports``).
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.urls import path
from django.views.decorators.http import require_POST

from communities.exports import get_exporter
from communities.exports.views import export_start
from disputes.exporting import EXPORTER_KEY


@require_POST
@login_required
@permission_required("disputes.export_disputecase", raise_exception=True)
def case_export(request):
    exporter = get_exporter(EXPORTER_KEY)
    return export_start(request, exporter, {"query": request.GET.urlencode()})


urlpatterns = [
    path("disputes/export/", case_export, name="case_export"),
]
