"""The import template of a register file: the header row, and an example on a second sheet."""

from communities.exporting import xlsx_bytes

TEMPLATE_SHEET = "导入"
EXAMPLE_SHEET = "示例"


def import_template_bytes(resource) -> bytes:
    headers = resource.get_export_headers()
    example = [resource.example_row.get(header, "") for header in headers]
    return xlsx_bytes([(TEMPLATE_SHEET, headers, []), (EXAMPLE_SHEET, headers, [example])])
