"""The targets of issue 14, each a number the JSON checks a figure against."""

PAGE_P95_MS = 150  # every list page as `bureau` at full size
PAGE_RATIO = 10  # … within 10× the bare view (p50 against p50)
PAGE_QUERIES = 15  # … whatever the table size or page depth
PAGE_OPTIONS = 100  # <option> elements on a page: compound choices are never rendered whole
LOAD_RATIO = 10  # requests per second of a list page, against the bare view on the same server
FIGURE_RATIO = 2  # each monthly figure against hand-written SQL
REPORT_SECONDS = 60  # the province's monthly report job
REPORT_MB = 200  # … peak memory of the task's process
EXPORT_RATIO = 1.2  # an export against xlsxwriter fed from a plain values_list
EXPORT_MB = 150  # … peak memory
IMPORT_RATIO = 2  # an import pass against a plain import of the same file
IMPORT_STATEMENTS_BASE = 60  # statements ≤ this + one per IMPORT_STATEMENTS_PER rows
IMPORT_STATEMENTS_PER = 500


def import_statements_allowed(rows: int) -> int:
    return IMPORT_STATEMENTS_BASE + -(-rows // IMPORT_STATEMENTS_PER)
