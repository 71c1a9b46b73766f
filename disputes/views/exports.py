"""The workbench export of dispute cases: the list's cases, with the list's filters, as .xlsx.

The list page's export button posts here with the list's own query string. The address is the
app's own; the view is the one every list export uses (``communities.exports.views.export_begin``:
a POST, the exporter's permission, a small file at once or a job).
``disputes.exporting.CasesExporter`` reads the query with the list's own form, so it never
reaches another area's cases.
"""

from django.urls import path

from communities.exports.views import export_begin
from disputes.exporting import EXPORTER_KEY

urlpatterns = [
    path("disputes/export/", export_begin, {"key": EXPORTER_KEY}, name="case_export"),
]
