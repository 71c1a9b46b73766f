"""The screening-ledger import on the dispute cases' admin list: upload → preview → confirm
(``communities.importing.admin_flow``), the cases registered by ``disputes.importing``.
Only users with ``disputes.import_disputecase`` reach these pages."""

from django.utils.translation import gettext_lazy as _

from communities.importing.admin_flow import FileImportMixin
from communities.importing.uploads import WaitingImports
from disputes import resources as r
from disputes.importing import IMPORT_PERMISSION, ledger_import, ledger_template_bytes

# The preview's columns are the ledger's own (the file format, hence Chinese).
PREVIEW_HEADERS = [
    r.COMPOUND,
    r.CATEGORY,
    r.SOURCE,
    r.LEVEL,
    r.REGISTERED_ON,
    r.DESCRIPTION,
    r.AMOUNT,
    f"{r.APPLICANT}/{r.RESPONDENT}",
]

MSG_IMPORTED = _("%(count)d dispute cases were registered from the ledger: %(numbers)s.")


class LedgerImportMixin(FileImportMixin):
    import_permission = IMPORT_PERMISSION
    import_page_template = "admin/disputes/disputecase/import.html"
    import_title = _("Import a screening ledger")
    import_file_label = _("Screening ledger (.xlsx)")
    import_html_id = "ledger"
    import_template_filename = "dispute-ledger-template.xlsx"
    import_waiting = WaitingImports("dispute_ledger_files")
    preview_headers = PREVIEW_HEADERS

    def run_file_import(self, *, user, data: bytes, commit: bool):
        return ledger_import(user=user, data=data, commit=commit)

    def file_import_template_bytes(self, user) -> bytes:
        return ledger_template_bytes(user)

    def imported_message(self, result) -> str:
        return MSG_IMPORTED % {"count": len(result.rows), "numbers": "、".join(result.case_numbers)}
