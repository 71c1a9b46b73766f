"""Texts the import shows; the tests reuse these constants."""

from django.utils.translation import gettext_lazy as _

# One line per problem: the row number is the spreadsheet's (the header is row 1).
MSG_CELL_ERROR = _("Row {row}, column {column}: {message}")
MSG_ROW_ERROR = _("Row {row}: {message}")

# Cells
MSG_NOT_A_NUMBER = _("“{value}” is not a whole number.")
MSG_NOT_A_DATE = _("“{value}” is not a date; write it as 2024-01-31.")
MSG_NOT_YES_NO = _("“{value}” is not 是 or 否.")
MSG_NOT_A_CHOICE = _("“{value}” is not one of: {choices}.")
MSG_UNKNOWN_CODE = _("Unknown code “{code}”.")
MSG_DUPLICATE_IN_FILE = _("Duplicate: row {row} of this file has the same value.")
MSG_ALREADY_REGISTERED = _("This value is already registered.")
MSG_ID_AS_NUMBER = _(
    "“{value}”: Excel turned this ID number into a number and rounded its last digits; set "
    "the column's format to Text, type the ID number again and upload the file again."
)
MSG_MASKED_VALUE = _("A masked value (with *) cannot be imported.")
MSG_PERSONAL_READ_ONLY = _(
    "You may not change the personal data of an existing household; "
    "leave the masked value as exported."
)

# Rows
MSG_NO_ADD_PERMISSION = _("You may not add new records; only existing ones can be updated.")
MSG_NO_CHANGE_PERMISSION = _("You may not change existing records; only new ones can be added.")
MSG_ROW_CONFLICT = _("This row conflicts with existing data.")
MSG_ROW_FAILED = _("This row could not be saved.")

# Whole file
MSG_FILE_TOO_LARGE = _("The file is larger than {limit}.")
MSG_TOO_MANY_ROWS = _("The file has more than {limit} rows; split it into smaller files.")
MSG_NOT_XLSX = _("This is not a valid .xlsx file (save it from Excel as “Excel Workbook”).")
MSG_NOT_CSV = _("This is not a valid CSV text file (save it as “CSV UTF-8”).")
MSG_UNZIPPED_TOO_LARGE = _("The .xlsx file unpacks to more than {limit}; it cannot be imported.")
MSG_MACROS = _(
    "This workbook contains macros (VBA) and cannot be imported; save it in Excel as "
    "“Excel Workbook (*.xlsx)” and upload it again."
)
MSG_TOO_MANY_COLUMNS = _(
    "The first row has more than {limit} columns; delete the columns that are not needed "
    "(also empty ones far to the right) and upload the file again."
)
MSG_CELL_TOO_LONG = _("Row {row}, column {column}: a cell may hold at most {limit} characters.")
MSG_ROW_TOO_LONG = _(
    "Row {row} is too long: a row may hold at most {columns} columns of at most {limit} "
    "characters each."
)
MSG_TOO_MANY_STRINGS = _(
    "The workbook holds more than {limit} different texts; keep only the sheet and rows to "
    "import and upload it again."
)
MSG_TOO_MUCH_TEXT = _(
    "The file holds more than {limit} characters of text; split it into smaller files."
)
MSG_PART_TOO_LARGE = _(
    "The workbook's formatting or structure is too large to read; paste the data as values "
    "into a new workbook and upload that."
)
MSG_NO_HEADER = _("The first row must hold the column headers.")
MSG_NO_DATA_ROWS = _("The file holds no rows below the header row; fill them in and upload again.")
MSG_DUPLICATE_HEADER = _("The column “{column}” appears more than once.")
MSG_MISSING_COLUMNS = _("The file lacks the column(s): {columns}.")
MSG_OUT_OF_SCOPE = _("Row {row}: the saved record would be outside your area.")
MSG_IMPORT_FAILED = _("The import failed; nothing was saved.")
MSG_IMPORT_EXPIRED = _("This import has expired or is not yours; upload the file again.")
