"""Import of a street's screening ledger (排查台账): many cases at once, all or nothing.

Every row becomes a case through ``services.case_register`` (numbering, the timeline and the
notifications are the service's), so django-import-export's one-row-one-model resources do not
fit and the ledger is read here, with the register's defensive file reader
(``communities.importing.formats``: only real .xlsx, size and row limits) and its error lines
("Row n, column c: reason").

``ledger_import(user=…, data=…, commit=…)``
1. reads the file; a file that cannot be read is one error and nothing more;
2. checks every cell of every row (compound among the user's visible compounds, choices,
   dates, amounts, parties' phones and ID numbers) and names each problem;
3. registers the rows that passed, in one transaction, through the service, which checks
   them again; its refusals are named too;
4. rolls everything back if any row failed, or if this was the preview (``commit=False``).
The preview and the confirmation run the same steps on the data as it is then.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from communities.exporting import xlsx_bytes
from communities.importing import messages as msg
from communities.importing.formats import ImportFileError, dataset_from_rows, read_xlsx_rows
from communities.importing.limits import shown
from communities.importing.widgets import (
    ChoiceWidget,
    CodeWidget,
    DateWidget,
    cell_text,
    check_id_number_cell,
)
from communities.models import Compound
from communities.privacy import masked_values, personal_fields
from communities.validators import normalize_text
from communities.vocabulary import FILE_LANGUAGE, choice_label
from communities.workflow import MSG_NOT_ALLOWED, WorkflowError
from disputes import errors as e
from disputes import resources as r
from disputes import services
from disputes.models import Category, DisputeCase, Level, Party, PartyRole, Source

IMPORT_PERMISSION = "disputes.import_disputecase"
# Each row runs the whole registration (about twenty queries): a ledger is a street's month,
# not the district's history.
LEDGER_MAX_ROWS = 2000

MSG_REQUIRED = _("This column must be filled in.")
MSG_COMPOUND_NOT_FOUND = _("No compound “{code}” was found in your area.")
MSG_FUTURE_DATE = _("The date cannot be later than today.")
# The first day a ledger row may be dated: earlier is a typing error (0001-01-01 ended in a 500,
# 1900-01-01 registered a case overdue for a century).
FIRST_DAY = datetime.date(2000, 1, 1)
MSG_DATE_RANGE = _("Give a date from %(first)s to today (%(last)s).")
MSG_NOT_AN_AMOUNT = _("“{value}” is not an amount in yuan; write a number such as 1200.50.")
MSG_NEGATIVE_AMOUNT = _("The amount cannot be negative.")
MSG_NO_PARTY = _("Give the name of at least one party (申请人 or 被申请人).")
MSG_PARTY_NAME = _("Give the name of this party, or leave all of its columns empty.")
MSG_UNKNOWN_COLUMNS = _("Unknown column(s): {columns}. The ledger's columns are: {known}.")
MSG_NO_ROWS = _("The file holds no cases: fill in rows below the header.")

# Model fields (as the service's validation names them) → the ledger's column.
FIELD_COLUMNS = {
    "compound": r.COMPOUND,
    "category": r.CATEGORY,
    "source": r.SOURCE,
    "level": r.LEVEL,
    "registered_at": r.REGISTERED_ON,
    "deadline": r.REGISTERED_ON,
    "description": r.DESCRIPTION,
    "amount": r.AMOUNT,
}
PARTY_FIELDS = ("name", "phone", "id_number")

_category = ChoiceWidget(Category, r.CATEGORY_ALIASES)
_source = ChoiceWidget(Source)
_level = ChoiceWidget(Level)
_code = CodeWidget()
_date = DateWidget()


@dataclass
class LedgerRow:
    """One row of the ledger: its spreadsheet row number, what it says, and its problems."""

    number: int
    values: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column or "", reason)
    case_number: str = ""

    def error(self, column: str, message) -> None:
        self.errors.append((column, str(message)))

    def lines(self) -> list[str]:
        return [
            str(msg.MSG_CELL_ERROR.format(row=self.number, column=column, message=message))
            if column
            else str(msg.MSG_ROW_ERROR.format(row=self.number, message=message))
            for column, message in self.errors
        ]

    def preview(self) -> dict:
        """What the preview shows of the row; personal data always masked."""
        values = self.values
        compound = values.get("compound")
        amount = values.get("amount")
        return {
            "number": self.number,
            "case_number": self.case_number,
            "compound": f"{compound.code} {compound.name}" if compound else "",
            "category": choice_label(Category, values.get("category")),
            "source": choice_label(Source, values.get("source")),
            "level": choice_label(Level, values.get("level")),
            "registered_on": values.get("registered_on") or values.get("today", ""),
            "description": values.get("description", ""),
            "amount": "" if amount is None else amount,
            "parties": masked_parties(values.get("parties", [])),
        }


def masked_parties(parties: list[dict]) -> str:
    def words(party: dict) -> str:
        masked = masked_values(Party, party)
        role = choice_label(PartyRole, party["role"])
        parts = [role, *(masked[f] for f in personal_fields(Party))]
        return " ".join(part for part in parts if part)

    return "; ".join(words(party) for party in parties)


@dataclass
class LedgerResult:
    rows: list[LedgerRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(row.errors for row in self.rows)

    @property
    def case_numbers(self) -> list[str]:
        return [row.case_number for row in self.rows]

    def error_lines(self) -> list[str]:
        return self.file_errors + [line for row in self.rows for line in row.lines()]


def ledger_max_rows() -> int:
    return min(settings.IMPORT_MAX_ROWS, LEDGER_MAX_ROWS)


def read_ledger(data: bytes) -> tuple[list[str], list[dict]]:
    """Headers (aliases resolved) and the rows as ``{header: value, "_row": n}``; blank rows
    are skipped but keep their numbers. Raises ``ImportFileError`` for a file it refuses."""
    dataset = dataset_from_rows(read_xlsx_rows(data), ledger_max_rows())
    headers = [r.HEADER_ALIASES.get(header, header) for header in dataset.headers]
    if len(set(filter(None, headers))) != len([h for h in headers if h]):
        raise ImportFileError(msg.MSG_DUPLICATE_HEADER.format(column=r.COMPOUND))
    known = set(r.LEDGER_HEADERS) | {r.ROW_NUMBER, ""}
    unknown = [header for header in headers if header not in known]
    if unknown:
        raise ImportFileError(
            MSG_UNKNOWN_COLUMNS.format(
                columns="、".join(unknown), known="、".join(r.LEDGER_HEADERS)
            )
        )
    missing = [header for header in r.REQUIRED_HEADERS if header not in headers]
    if not any(name in headers for _role, name, _phone, _id in r.PARTY_COLUMNS):
        missing.append(f"{r.APPLICANT}/{r.RESPONDENT}")
    if missing:
        raise ImportFileError(msg.MSG_MISSING_COLUMNS.format(columns="、".join(missing)))
    rows = []
    for index, values in enumerate(dataset, start=2):  # the header is row 1
        row = {h: v for h, v in zip(headers, values, strict=True) if h and h != r.ROW_NUMBER}
        if all(cell_text(value) == "" for value in row.values()):
            continue
        rows.append({**row, "_row": index})
    if not rows:
        raise ImportFileError(MSG_NO_ROWS)
    return headers, rows


class LedgerImport:
    """The ledger import for one user; ``run`` is the whole of it."""

    def __init__(self, user):
        self.user = user
        self.today = timezone.localdate()
        self._compounds: dict[str, Compound] | None = None
        self._levels: list[str] | None = None

    # --- lookups, read once per import -------------------------------------------------------

    def compounds(self) -> dict[str, Compound]:
        if self._compounds is None:
            visible = Compound.objects.visible_to(self.user).select_related("community__street")
            self._compounds = {compound.code: compound for compound in visible}
        return self._compounds

    def levels(self) -> list[str]:
        if self._levels is None:
            self._levels = services.registration_levels(self.user)
        return self._levels

    # --- the import --------------------------------------------------------------------------

    def run(self, data: bytes, *, commit: bool) -> LedgerResult:
        if not (self.user and self.user.has_perm(IMPORT_PERMISSION)):
            return LedgerResult(file_errors=[str(MSG_NOT_ALLOWED)])
        try:
            _headers, raw_rows = read_ledger(data)
        except ImportFileError as error:
            return LedgerResult(file_errors=[str(error)])
        result = LedgerResult(rows=[self.parse(raw) for raw in raw_rows])
        with transaction.atomic():
            for row in result.rows:
                if not row.errors:
                    self.register(row)
            result.committed = commit and result.ok
            if not result.committed:
                transaction.set_rollback(True)
        return result

    # --- one row: its cells ------------------------------------------------------------------

    def parse(self, raw: dict) -> LedgerRow:
        row = LedgerRow(number=raw["_row"])
        values = row.values
        values["today"] = self.today  # what an empty 登记日期 stands for
        values["compound"] = self._compound(row, raw.get(r.COMPOUND))
        values["category"] = self._choice(row, r.CATEGORY, _category, raw.get(r.CATEGORY), "")
        values["source"] = self._choice(row, r.SOURCE, _source, raw.get(r.SOURCE), Source.SCREENING)
        values["level"] = self._level_of(row, raw.get(r.LEVEL))
        values["registered_on"] = self._date(row, raw.get(r.REGISTERED_ON))
        values["description"] = cell_text(raw.get(r.DESCRIPTION))
        if not values["description"]:
            row.error(r.DESCRIPTION, MSG_REQUIRED)
        values["amount"] = self._amount(row, raw.get(r.AMOUNT))
        values["parties"] = self._parties(row, raw)
        return row

    def _compound(self, row: LedgerRow, value) -> Compound | None:
        code = _code.clean(value)
        if not code:
            row.error(r.COMPOUND, MSG_REQUIRED)
            return None
        compound = self.compounds().get(code)
        if compound is None:  # elsewhere or nowhere: the same answer
            row.error(r.COMPOUND, MSG_COMPOUND_NOT_FOUND.format(code=shown(code)))
        return compound

    @staticmethod
    def _choice(row: LedgerRow, column: str, widget, value, default: str) -> str:
        try:
            chosen = widget.clean(value)
        except ValueError as error:
            row.error(column, error)
            return ""
        if chosen is None and not default:
            row.error(column, MSG_REQUIRED)
        return chosen or default

    def _level_of(self, row: LedgerRow, value) -> str:
        level = self._choice(row, r.LEVEL, _level, value, Level.COMMUNITY)
        if level and level not in self.levels():
            row.error(r.LEVEL, e.MSG_LEVEL_NOT_ALLOWED)
        return level

    def _date(self, row: LedgerRow, value) -> datetime.date | None:
        try:
            on = _date.clean(value)
        except ValueError as error:
            row.error(r.REGISTERED_ON, error)
            return None
        if on is not None and on > self.today:
            row.error(r.REGISTERED_ON, MSG_FUTURE_DATE)
        elif on is not None and on < FIRST_DAY:
            span = {"first": FIRST_DAY.isoformat(), "last": self.today.isoformat()}
            row.error(r.REGISTERED_ON, MSG_DATE_RANGE % span)
            return None
        return on

    @staticmethod
    def _amount(row: LedgerRow, value) -> Decimal | None:
        if isinstance(value, float):
            text = repr(value)  # Excel's numbers: 1200.5, not 1200.5000000000002
        else:
            text = normalize_text(cell_text(value)).replace(",", "").replace("，", "")
            text = text.removesuffix("元").strip()
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            row.error(r.AMOUNT, MSG_NOT_AN_AMOUNT.format(value=shown(cell_text(value))))
            return None
        if amount < 0:
            row.error(r.AMOUNT, MSG_NEGATIVE_AMOUNT)
            return None
        try:
            return DisputeCase._meta.get_field("amount").clean(amount, None)
        except ValidationError as error:
            for message in error.messages:
                row.error(r.AMOUNT, message)
            return None

    @staticmethod
    def _parties(row: LedgerRow, raw: dict) -> list[dict]:
        parties, given = [], False
        for role, name_column, phone_column, id_column in r.PARTY_COLUMNS:
            columns = {"name": name_column, "phone": phone_column, "id_number": id_column}
            values = {key: cell_text(raw.get(column)) for key, column in columns.items()}
            if not any(values.values()):
                continue
            given = True
            if not values["name"]:
                row.error(name_column, MSG_PARTY_NAME)
                continue
            try:
                check_id_number_cell(raw.get(id_column))
            except ValueError as error:
                row.error(id_column, error)
                continue
            party = Party(role=role, **values)
            party.normalise()
            try:
                party.full_clean(exclude=["case"])
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    for message in messages:
                        row.error(columns.get(key, ""), message)
                continue
            parties.append(
                {
                    "role": role,
                    "name": party.name,
                    "phone": party.phone,
                    "id_number": party.id_number,
                }
            )
        if not given:
            row.error("", MSG_NO_PARTY)
        return parties

    # --- one row: the registration -----------------------------------------------------------

    def _registered_at(self, on: datetime.date | None) -> datetime.datetime | None:
        """The start of the ledger's day (local time); today's rows are registered now."""
        if on is None or on == self.today:
            return None
        return timezone.make_aware(datetime.datetime.combine(on, datetime.time.min))

    def register(self, row: LedgerRow) -> None:
        values = row.values
        try:
            case = services.case_register(
                actor=self.user,
                compound=values["compound"],
                category=values["category"],
                source=values["source"],
                description=values["description"],
                parties=values["parties"],
                level=values["level"],
                amount=values["amount"],
                registered_at=self._registered_at(values["registered_on"]),
            )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                column = "" if key == NON_FIELD_ERRORS else FIELD_COLUMNS.get(key, "")
                if key in PARTY_FIELDS:
                    column = f"{r.APPLICANT}/{r.RESPONDENT}"
                for message in messages:
                    row.error(column, message)
        except WorkflowError as error:
            row.error("", error.message)
        except IntegrityError:
            row.error("", msg.MSG_ROW_CONFLICT)
        else:
            row.case_number = case.number


def ledger_import(*, user, data: bytes, commit: bool) -> LedgerResult:
    """Check a ledger file and, with ``commit`` and no problem anywhere, register its cases."""
    return LedgerImport(user).run(data, commit=commit)


EXAMPLE_COMPOUND_CODE = "XQ0001"


def ledger_template_bytes(user) -> bytes:
    """The ledger to fill in: the headers; an example row (with one of the user's compounds);
    and what goes in each column."""
    first = Compound.objects.visible_to(user).order_by("code").values_list("code", flat=True)
    code = first.first() or EXAMPLE_COMPOUND_CODE
    with override(FILE_LANGUAGE):
        return xlsx_bytes(
            [
                (r.LEDGER_SHEET, r.LEDGER_HEADERS, []),
                (r.EXAMPLE_SHEET, r.LEDGER_HEADERS, [r.ledger_example(code)]),
                (r.HELP_SHEET, r.HELP_HEADERS, r.ledger_help()),
            ]
        )
