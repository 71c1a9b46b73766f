"""Validators and normalisers for the codes and personal data of the register.

Each validator raises ``ValidationError`` with one of the messages below, which the tests reuse.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MSG_DISTRICT_CODE = _("A district code is 6 digits.")
MSG_STREET_CODE = _("A street code is 9 digits.")
MSG_COMMUNITY_CODE = _("A community code is 12 digits.")
MSG_COMPOUND_CODE = _("A compound code has up to 32 letters, digits or dashes.")
MSG_CREDIT_CODE_FORMAT = _(
    "A unified social credit code is 18 digits or capital letters (no I, O, S, V, Z)."
)
MSG_CREDIT_CODE_CHECK = _("The check character of the unified social credit code is wrong.")
MSG_ID_FORMAT = _("An ID number is 17 digits followed by a digit or X.")
MSG_ID_BIRTH = _("The date of birth in the ID number is not a real date.")
MSG_ID_CHECK = _("The check digit of the ID number is wrong.")
MSG_PHONE = _(
    "A phone is an 11-digit mobile number starting with 1, "
    "or a landline with its area code (010-12345678)."
)

# Zero-width characters and bidirectional controls: invisible, so a name or code holding them
# looks like another (U+202E turns "张三" around on screen) and never matches a search.
INVISIBLE_CHARS = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width space/non-joiner/joiner, word joiner, BOM
    "\u200e\u200f"  # left-to-right / right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)
_INVISIBLE_TABLE = dict.fromkeys(map(ord, INVISIBLE_CHARS))


def ascii_digits(text: str) -> str:
    """Every decimal digit of any script (٣, ३, full-width ３) as its ASCII digit.

    ``\\d``, ``str.isdigit()`` and ``int()`` accept them all; stored codes hold ``0-9`` only.
    """
    if text.isascii():
        return text  # the common case, and an import reads every cell through here
    return "".join(
        str(unicodedata.decimal(c))
        if not c.isascii() and unicodedata.decimal(c, None) is not None
        else c
        for c in text
    )


def _fullwidth_alnum(c: str) -> str:
    """A full-width letter or digit (``Ａ``, ``８``) as ASCII; anything else as it is."""
    if "\uff10" <= c <= "\uff5a" and c.isalnum():
        return chr(ord(c) - 0xFEE0)
    return c


def normalize_text(value) -> str:
    """A name or an address part: invisible characters removed, full-width letters and digits
    and digits of other scripts as ASCII, outer spaces stripped.

    Not full NFKC: a Chinese name keeps its full-width punctuation (``甲物业（更名）``)."""
    text = (value or "").translate(_INVISIBLE_TABLE)
    return ascii_digits("".join(map(_fullwidth_alnum, text))).strip()


def _nfkc(value) -> str:
    """An identifier: NFKC (full-width letters, digits and brackets become ASCII), invisible
    characters removed, digits of other scripts as ASCII."""
    text = unicodedata.normalize("NFKC", value or "").translate(_INVISIBLE_TABLE)
    return ascii_digits(text)


def normalize_code(value) -> str:
    """A code typed or imported (ID number, credit code, region code): NFKC, ASCII digits,
    no spaces or invisible characters anywhere."""
    return "".join(_nfkc(value).split())


_ID_DIGITS_MAX = 18


def ascii_ids(values) -> list[int]:
    """The ids among ``values`` (query-string or form values), each as ``ascii_int`` reads it;
    anything else is left out."""
    return [pk for pk in (ascii_int(str(v)) for v in values or () if v is not None) if pk]


def ascii_int(raw) -> int | None:
    """An id or count from a query string or form: ASCII digits only (``int()`` would take
    ``١٢`` or ``１２`` too), at most 18 of them (a database integer); else ``None``."""
    text = (raw or "").strip() if isinstance(raw, str) else ""
    if text and len(text) <= _ID_DIGITS_MAX and re.fullmatch(r"[0-9]+", text):
        return int(text)
    return None


_REGION = {6: MSG_DISTRICT_CODE, 9: MSG_STREET_CODE, 12: MSG_COMMUNITY_CODE}


def _validate_digits(value: str, length: int) -> None:
    if not (
        isinstance(value, str) and len(value) == length and value.isascii() and value.isdigit()
    ):
        raise ValidationError(_REGION[length], code="invalid_code")


def validate_district_code(value: str) -> None:
    _validate_digits(value, 6)


def validate_street_code(value: str) -> None:
    _validate_digits(value, 9)


def validate_community_code(value: str) -> None:
    _validate_digits(value, 12)


_COMPOUND_CODE_RE = re.compile(r"^[A-Za-z0-9-]{1,32}$")


def validate_compound_code(value: str) -> None:
    if not _COMPOUND_CODE_RE.match(value or ""):
        raise ValidationError(MSG_COMPOUND_CODE, code="invalid_code")


# GB 32100-2015: 统一社会信用代码
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code whose first 17 are given."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return normalize_code(value).upper()


def validate_credit_code(value: str) -> None:
    value = normalize_credit_code(value)
    if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
        raise ValidationError(MSG_CREDIT_CODE_FORMAT, code="invalid_format")
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(MSG_CREDIT_CODE_CHECK, code="invalid_check")


# GB 11643-1999: 公民身份号码
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")


def id_number_check_char(first17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are given."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    return normalize_code(value).upper()


def validate_id_number(value: str) -> None:
    value = normalize_id_number(value)
    if not _ID_RE.match(value):
        raise ValidationError(MSG_ID_FORMAT, code="invalid_format")
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(MSG_ID_BIRTH, code="invalid_birth") from None
    if birth.year < 1900 or birth > datetime.date.today():
        raise ValidationError(MSG_ID_BIRTH, code="invalid_birth")
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(MSG_ID_CHECK, code="invalid_check")


_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE_RE = re.compile(r"^0[0-9]{2,3}-[0-9]{7,8}(-[0-9]{1,6})?$")


def normalize_phone(value: str) -> str:
    """Strip spaces and a +86/0086 prefix; landlines keep one dash after the area code."""
    value = re.sub(r"[\s()]", "", _nfkc(value))  # NFKC made （） into ()
    value = re.sub(r"^(\+86|0086)-?", "", value)
    if _MOBILE_RE.match(value.replace("-", "")):
        return value.replace("-", "")
    match = re.match(r"^(0(?:10|2[0-9]|[3-9][0-9]{2}))-?([0-9]{7,8})(-[0-9]{1,6})?$", value)
    if match:
        return f"{match[1]}-{match[2]}{match[3] or ''}"
    return value


def validate_phone(value: str) -> None:
    value = normalize_phone(value)
    if not (_MOBILE_RE.match(value) or _LANDLINE_RE.match(value)):
        raise ValidationError(MSG_PHONE, code="invalid_phone")


# Documents of residents (实有人口): an identity card or a residence permit for Hong Kong,
# Macao and Taiwan residents follows GB 11643 (the latter starts 810000, 820000 or 830000); a
# foreign permanent resident ID card is 18 characters (2023 design, GB 11643 check) or 15
# letters and digits (2017 design); the travel permits and passports are checked by shape.
MSG_DOCUMENT_HMT = _(
    "A residence permit number for Hong Kong, Macao or Taiwan residents "
    "starts with 810000, 820000 or 830000."
)
MSG_DOCUMENT_HK_MACAO = _(
    "A travel permit for Hong Kong and Macao residents is H or M followed by 8 or 10 digits."
)
MSG_DOCUMENT_TAIWAN = _("A travel permit for Taiwan residents is 8 or 10 digits.")
MSG_DOCUMENT_FOREIGN_PERMANENT = _(
    "A foreign permanent resident ID card number is 15 letters and digits or 18 characters."
)
MSG_DOCUMENT_PASSPORT = _("A passport number is 5 to 20 letters and digits.")

_DOCUMENT_SHAPES = {
    "hk_macao": (re.compile(r"^[HM]([0-9]{8}|[0-9]{10})$"), MSG_DOCUMENT_HK_MACAO),
    "taiwan": (re.compile(r"^([0-9]{8}|[0-9]{10})$"), MSG_DOCUMENT_TAIWAN),
    "passport": (re.compile(r"^[A-Z0-9]{5,20}$"), MSG_DOCUMENT_PASSPORT),
}


def normalize_document_number(value: str) -> str:
    """Any document number as typed: NFKC, no spaces or invisible characters, capitals."""
    return normalize_code(value).upper()


def validate_document_number(document_type: str, value: str) -> None:
    """Check a resident's document number for its type (``DocumentType`` values)."""
    value = normalize_document_number(value)
    if document_type == "id_card":
        validate_id_number(value)
    elif document_type == "hmt_residence":
        validate_id_number(value)
        if value[:6] not in ("810000", "820000", "830000"):
            raise ValidationError(MSG_DOCUMENT_HMT, code="invalid_format")
    elif document_type == "foreign_permanent":
        if re.fullmatch(r"[A-Z]{3}[0-9]{12}", value):
            return
        if not _ID_RE.match(value) or id_number_check_char(value[:17]) != value[17]:
            raise ValidationError(MSG_DOCUMENT_FOREIGN_PERMANENT, code="invalid_format")
    elif document_type in _DOCUMENT_SHAPES:
        pattern, message = _DOCUMENT_SHAPES[document_type]
        if not pattern.match(value):
            raise ValidationError(message, code="invalid_format")
