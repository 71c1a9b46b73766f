"""Validators and normalisers for the codes and personal data of the register.

Each validator raises ``ValidationError`` with one of the messages below, which the tests reuse.
"""

import datetime
import re

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
    return (value or "").strip().upper()


def validate_credit_code(value: str) -> None:
    value = normalize_credit_code(value)
    if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
        raise ValidationError(MSG_CREDIT_CODE_FORMAT, code="invalid_format")
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(MSG_CREDIT_CODE_CHECK, code="invalid_check")


# GB 11643-1999: 公民身份号码
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def id_number_check_char(first17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are given."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


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


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-\d{7,8}(-\d{1,6})?$")


def normalize_phone(value: str) -> str:
    """Strip spaces and a +86/0086 prefix; landlines keep one dash after the area code."""
    value = re.sub(r"[\s()（）]", "", value or "")
    value = re.sub(r"^(\+86|0086)-?", "", value)
    if _MOBILE_RE.match(value.replace("-", "")):
        return value.replace("-", "")
    match = re.match(r"^(0(?:10|2\d|[3-9]\d{2}))-?(\d{7,8})(-\d{1,6})?$", value)
    if match:
        return f"{match[1]}-{match[2]}{match[3] or ''}"
    return value


def validate_phone(value: str) -> None:
    value = normalize_phone(value)
    if not (_MOBILE_RE.match(value) or _LANDLINE_RE.match(value)):
        raise ValidationError(MSG_PHONE, code="invalid_phone")
