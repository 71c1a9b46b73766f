"""The import template of a register file: the header row, and an example on a second sheet."""

from django.utils.functional import Promise
from django.utils.translation import override

from communities.exporting import xlsx_bytes
from communities.vocabulary import FILE_LANGUAGE

TEMPLATE_SHEET = "导入"
EXAMPLE_SHEET = "示例"


def import_template_bytes(resource) -> bytes:
    headers = resource.get_export_headers()
    with override(FILE_LANGUAGE):  # choices by their labels (lazy) in the file's language
        example = [_cell(resource.example_row.get(header, "")) for header in headers]
    return xlsx_bytes([(TEMPLATE_SHEET, headers, []), (EXAMPLE_SHEET, headers, [example])])


def _cell(value):
    return str(value) if isinstance(value, Promise) else value
