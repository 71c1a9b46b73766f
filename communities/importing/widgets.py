"""Widgets that turn spreadsheet cells into model values and back, with readable errors.

Every ``clean`` raises ``ValueError`` with a text meant for the person who filled in the file;
django-import-export files it under the cell's column (never ``decimal.InvalidOperation``).
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from import_export import widgets

from communities.exporting import FORMULA_PREFIXES
from communities.validators import INVISIBLE_CHARS, normalize_code, normalize_text
from communities.vocabulary import ChoiceReader, choice_label, choice_labels

from . import messages as msg
from .limits import shown

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
YES = ("是", "有", "1", "true", "yes", "y")
NO = ("否", "无", "0", "false", "no", "n")
MAX_INTEGER_DIGITS = 12
# Digits Excel keeps exactly in a number cell: an 18-digit ID number typed into one is rounded
# and shown as 1.10101E+17.
EXACT_DIGITS = 15
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARS))
_SCIENTIFIC_RE = re.compile(r"^[0-9](\.[0-9]+)?E\+?[0-9]+$", re.IGNORECASE | re.ASCII)


def cell_text(value) -> str:
    """A cell as text: Excel's numbers lose their ``.0``; an export's ``'=`` loses the ``'``;
    zero-width and bidirectional control characters are dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    text = str(value).translate(_INVISIBLE).strip()
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def rounded_id_number(value) -> str | None:
    """How Excel shows an ID number it turned into a number (``1.10101E+17``), if it did:
    a floating-point cell beyond 15 digits, or that text in a CSV; else None."""
    if isinstance(value, float) and abs(value) >= 10**EXACT_DIGITS:
        return f"{value:.6G}"
    if isinstance(value, str) and _SCIENTIFIC_RE.match(value.strip()):
        return value.strip()
    return None


def check_id_number_cell(value) -> None:
    """Refuse, with what to do, an ID number Excel has rounded: it cannot be recovered."""
    shown = rounded_id_number(value)
    if shown is not None:
        raise ValueError(msg.MSG_ID_AS_NUMBER.format(value=shown))


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs) -> str:
        return cell_text(value)


class NameWidget(TextWidget):
    """A name or an address part (楼栋, 房号): NFKC and ASCII digits (``８`` is ``8``), so the
    household looked up by its room is the one stored."""

    def clean(self, value, row=None, **kwargs) -> str:
        return normalize_text(cell_text(value))


class IdNumberWidget(TextWidget):
    """An ID number column: one that Excel turned into a number is refused by name."""

    def clean(self, value, row=None, **kwargs) -> str:
        check_id_number_cell(value)
        return super().clean(value, row, **kwargs)


class CodeWidget(TextWidget):
    """A code: no inner spaces, optionally upper case (credit codes)."""

    def __init__(self, upper: bool = False, **kwargs):
        self.upper = upper
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs) -> str:
        text = normalize_code(cell_text(value))  # full-width or Arabic-Indic digits as ASCII
        return text.upper() if self.upper else text


class IntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs) -> int | None:
        if self.is_empty(value):
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = normalize_text(cell_text(value)).replace(",", "")
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValueError(msg.MSG_NOT_A_NUMBER.format(value=shown(text))) from None
        digits_ok = number.is_finite() and number.adjusted() < MAX_INTEGER_DIGITS
        if not digits_ok or number != number.to_integral_value():
            raise ValueError(msg.MSG_NOT_A_NUMBER.format(value=shown(text)))
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class DateWidget(widgets.DateWidget):
    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = normalize_text(cell_text(value))
        if not text:
            return None
        for date_format in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, date_format).date()
            except ValueError:
                continue
        raise ValueError(msg.MSG_NOT_A_DATE.format(value=shown(text)))

    def render(self, value, obj=None, **kwargs) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else ""


class YesNoWidget(widgets.BooleanWidget):
    def clean(self, value, row=None, **kwargs) -> bool | None:
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if not text:
            return None
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(msg.MSG_NOT_YES_NO.format(value=shown(text)))

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        return "是" if value else "否"


class ChoiceWidget(widgets.Widget):
    """A choice written with its model label (``communities.vocabulary``); the stored value
    and the older spellings in ``aliases`` are read too."""

    def __init__(self, choices, aliases: dict[str, str] | None = None, **kwargs):
        self.reader = ChoiceReader(choices, aliases)
        # (value, lazy label) pairs read once: TextChoices builds its list on every access,
        # and a preview renders every cell of every row.
        self.pairs = tuple(choices.choices if hasattr(choices, "choices") else choices)
        # A choices class's labels are kept per language by ``choice_label``; pairs are read.
        self.labels = choices if isinstance(choices, type) else self.pairs
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs) -> str | None:
        text = cell_text(value)
        if not text:
            return None
        found = self.reader.read(text)
        if found is None:
            choices = ", ".join(word for word in choice_labels(self.reader.choices) if word)
            raise ValueError(msg.MSG_NOT_A_CHOICE.format(value=shown(text), choices=choices))
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        return choice_label(self.labels, value)


class ScopedLookupWidget(widgets.Widget):
    """A foreign key by code, looked up among the rows the importing user may see.

    The lookup table is read once per import (one query), from ``visible_to(user)``; a code
    outside the user's scope is as unknown as one that does not exist.
    """

    def __init__(
        self, model, field: str = "code", upper: bool = False, related: tuple = (), **kwargs
    ):
        self.model = model
        self.field = field
        self.related = related  # parents read with the table (what the scope check reads)
        self.code_widget = CodeWidget(upper=upper)
        self.user = None
        self._table: dict[str, object] | None = None
        super().__init__(**kwargs)

    def bind(self, user) -> None:
        self.user = user
        self._table = None

    def table(self) -> dict[str, object]:
        if self._table is None:
            rows = (
                self.model.objects.visible_to(self.user).select_related(*self.related)
                if self.user
                else []
            )
            self._table = {str(getattr(obj, self.field)): obj for obj in rows}
        return self._table

    def clean(self, value, row=None, **kwargs):
        code = self.code_widget.clean(value)
        if not code:
            return None
        obj = self.table().get(code)
        if obj is None:
            raise ValueError(msg.MSG_UNKNOWN_CODE.format(code=shown(code)))
        return obj

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else str(getattr(value, self.field))
